"""Schemathesis against the API as each role, in process over WSGI, with every check on.

Each operation gets generated cases (valid and invalid input) and, as often, cases whose path
ids are real rows of the seeded data, so that ``/tickets/{ticket_id}/…`` is reached past the
404. Every response goes through all of Schemathesis' checks; failures are counted, not raised
at the first, so that a run yields one row per role: cases, 5xx, schema violations, and
whatever else a check found.
"""

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.core.failures import Failure, FailureGroup

SERVER_ERROR = {"not_a_server_error"}
SCHEMA = {
    "response_schema_conformance",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
}


@dataclass
class Tally:
    role: str
    cases: int = 0
    server_errors: int = 0
    schema_violations: int = 0
    other: int = 0
    examples: Counter[str] = field(default_factory=Counter)

    def record(self, label: str, failures: tuple[Failure, ...]) -> None:
        for failure in failures:
            checks = set(failure.checks)
            if checks & SERVER_ERROR:
                self.server_errors += 1
            elif checks & SCHEMA:
                self.schema_violations += 1
            else:
                self.other += 1
            self.examples[f"{label}: {failure.title}"] += 1

    def row(self) -> str:
        return (
            f"| {self.role:<9} | {self.cases:>6} | {self.server_errors:>3} "
            f"| {self.schema_violations:>17} | {self.other:>12} |"
        )


TABLE_HEAD = (
    "| role      |  cases | 5xx | schema violations | other checks |\n"
    "|-----------|--------|-----|-------------------|--------------|"
)


@contextmanager
def in_test_transaction() -> Iterator[None]:
    """Serve over WSGI without closing the test's connection at each request, as Client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def all_checks() -> list:
    load_all_checks()
    return list(CHECKS.get_all())


def fuzz(*, role: str, token: str | None, real_ids: dict[str, int], examples: int) -> Tally:
    """Run ``examples`` generated cases per operation, half of them on real path ids."""
    tally = Tally(role)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    checks = all_checks()
    with in_test_transaction():
        schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())
        for result in schema.get_all_operations():
            operation = result.ok()
            label = f"{operation.method.upper()} {operation.path}"
            names = [p.name for p in operation.path_parameters]
            known = {name: real_ids[name] for name in names if name in real_ids}
            strategies = [
                operation.as_strategy(GenerationMode.POSITIVE),
                operation.as_strategy(GenerationMode.NEGATIVE),
            ]
            if known:
                strategies += [
                    operation.as_strategy(GenerationMode.POSITIVE, path_parameters=known),
                    operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=known),
                ]

            _cases(tally, label, st.one_of(strategies), headers, checks, examples)
    return tally


def _cases(tally: Tally, label: str, strategy, headers: dict, checks: list, examples: int) -> None:
    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case):
        tally.cases += 1
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=checks, headers=headers)
        except FailureGroup as group:
            tally.record(label, group.exceptions)

    run()
