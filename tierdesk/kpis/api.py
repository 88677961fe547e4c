"""GET /api/v1/kpis: one KPI table, sliced and filtered, as JSON rows or a CSV file."""

import csv
import io
from datetime import datetime
from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router

from tierdesk.kpis.queries import kpi_query, refuse_unknown
from tierdesk.kpis.selectors import KpiTable, kpi_table
from tierdesk.schemas import In, Out

router = Router(tags=["kpis"])


class KpiIn(In):
    kpi: str
    by: str = ""
    period: str | None = None
    start: str | None = Field(default=None, alias="from")
    end: str | None = Field(default=None, alias="to")
    tier: str | None = None
    channel: str | None = None
    group: str | None = None
    agent: str | None = None
    organization: str | None = None
    priority: str | None = None
    format: Literal["json", "csv", "xlsx"] = "json"


class KpiOut(Out):
    kpi: str
    kind: str
    unit: str
    description: str
    start: datetime
    end: datetime
    columns: list[str]
    rows: list[dict[str, object]]


def _csv(table: KpiTable) -> HttpResponse:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=table.columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table.rows)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table.kpi}.csv"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(table: KpiTable) -> HttpResponse:
    from openpyxl import Workbook  # loaded by the first spreadsheet, not at start

    book = Workbook(write_only=True)
    sheet = book.create_sheet(table.kpi[:31])  # Excel caps sheet names at 31 characters
    sheet.append(list(table.columns))
    for row in table.rows:
        sheet.append([row.get(c) for c in table.columns])
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{table.kpi}.xlsx"'
    return response


@router.get("", response=KpiOut)
def kpis(request: HttpRequest, query: Query[KpiIn]) -> object:
    """A KPI sliced by tier, channel, group, agent, organization, priority and period."""
    refuse_unknown(set(request.GET))
    parsed = kpi_query(
        user=request.auth,  # type: ignore[attr-defined]
        now=timezone.now(),
        kpi=query.kpi,
        by=query.by,
        period=query.period,
        start=query.start,
        end=query.end,
        filters={
            "tier": query.tier,
            "channel": query.channel,
            "group": query.group,
            "agent": query.agent,
            "organization": query.organization,
            "priority": query.priority,
        },
    )
    table = kpi_table(parsed)
    if query.format == "csv":
        return _csv(table)
    if query.format == "xlsx":
        return _xlsx(table)
    return {
        "kpi": table.kpi,
        "kind": table.kind,
        "unit": table.unit,
        "description": table.description,
        "start": parsed.start,
        "end": parsed.end,
        "columns": list(table.columns),
        "rows": table.rows,
    }
