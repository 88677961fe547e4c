"""The layering the code promises: the pure domain never imports Django."""

import ast
from pathlib import Path

DOMAIN = Path(__file__).resolve().parent.parent / "tierdesk" / "domain"


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_domain_modules_import_no_django_and_no_app_code():
    files = sorted(DOMAIN.rglob("*.py"))
    assert files
    for path in files:
        for name in imported_modules(path):
            top = name.split(".")[0]
            assert top != "django", f"{path.name} imports {name}"
            assert not (name.startswith("tierdesk.") and not name.startswith("tierdesk.domain")), (
                f"{path.name} imports {name}"
            )
