"""The statistics pages (issue 16): a term's, public once it is closed (or when it took no
applications: an imported past term), and a program's across its public terms; each chart
with its data table, downloadable as CSV and JSON. A program admin sees a term's page at
any time, marked as not public yet; anyone else gets the 404 of a term that does not exist."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, replace
from typing import Final

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from cohort.stats import charts, figures
from cohort.stats.figures import Table
from cohort.stipends.money import display
from cohort.terms.access import is_program_admin
from cohort.terms.models import Program, Term
from cohort.terms.queries import term_at

FORMATS: Final = ("csv", "json")
# Codes the downloads carry and the page's tables leave out (the label says the same).
HIDDEN_COLUMNS: Final = frozenset({"figure", "status", "country", "outcome"})
RATES: Final = frozenset({"complete_share", "acceptance_rate", "graduation_rate"})


def _cell(table: Table, row: tuple[figures.Cell, ...], i: int) -> str:
    value = row[i]
    column = table.columns[i][0]
    if table.key == "stipends" and column in ("committed", "paid"):
        return "fewer than 5 people" if value is None else display(int(value or 0), str(row[0]))
    if column == "year":
        return str(value)
    if value is None:
        if table.key == "growth":
            return "fewer than 5 or not recorded"
        if table.key == "summary":
            return "not shown (fewer than 5 people)" if row[0] in RATES else "fewer than 5"
        return (
            "suppressed"
            if table.key in ("applications", "countries", "placements")
            else "fewer than 5"
        )
    if isinstance(value, float):
        return f"{value:.1%}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


@dataclass(frozen=True)
class Chart:
    """A chart and the table it draws, as the page shows them."""

    key: str
    caption: str
    svg: str  # empty when too few people to draw anything
    table: Table
    csv_url: str = ""
    json_url: str = ""

    @property
    def headings(self) -> list[str]:
        return [heading for key, heading in self.table.columns if key not in HIDDEN_COLUMNS]

    @property
    def rows(self) -> list[list[str]]:
        """The table's cells as the page writes them (the downloads keep the raw values)."""
        keep = [i for i, (key, _) in enumerate(self.table.columns) if key not in HIDDEN_COLUMNS]
        return [[_cell(self.table, row, i) for i in keep] for row in self.table.rows]


def _linked(items: list[Chart], name: str, *args: str) -> list[Chart]:
    """The charts with their tables' download links (`stats:<name>_csv`, `_json`)."""
    return [
        replace(
            chart,
            csv_url=reverse(f"stats:{name}_csv", args=[*args, chart.key]),
            json_url=reverse(f"stats:{name}_json", args=[*args, chart.key]),
        )
        for chart in items
    ]


def visible_term(request: HttpRequest, program_slug: str, term_key: str) -> tuple[Term, bool]:
    """The term and whether its statistics are public; 404 if the viewer may not see them."""
    term = term_at(program_slug, term_key)
    has_applications = figures.term_has_applications(term)
    if not figures.can_view(request.user, term, has_applications=has_applications):
        raise Http404("No such term.")
    return term, figures.is_public(term, has_applications=has_applications)


def _bar(table: Table, chart_id: str) -> Chart:
    shown = [(str(row[-2]), row[-1]) for row in table.rows if row[0] != "total"]
    drawn = [(label, value) for label, value in shown if isinstance(value, int) and value > 0]
    svg = ""
    if drawn:
        labels, values = zip(*drawn, strict=True)
        unit = "Projects" if table.key == "organizations" else "People"
        svg = charts.bar_chart(chart_id, table.caption, tuple(labels), tuple(values), unit)
    return Chart(table.key, table.caption, svg, table)


def term_charts(stats: figures.TermStatistics) -> list[Chart]:
    tables = stats.tables()
    return [
        _bar(tables[key], f"chart-{key}")
        for key in ("organizations", "applications", "countries", "placements")
        if key in tables
    ]


def _line(table: Table, chart_id: str, series: list[tuple[str, list[float | None]]]) -> Chart:
    years = tuple(int(str(y)) for y in _years(table))
    data = tuple(
        (name, tuple(math.nan if v is None else float(v) for v in values))
        for name, values in series
    )
    svg = charts.line_chart(chart_id, table.caption, years, data, "Count") if years else ""
    return Chart(table.key, table.caption, svg, table)


def _years(table: Table) -> list[str | int | float | None]:
    if table.key == "growth":
        return [row[0] for row in table.rows]
    return [key for key, _ in table.columns[1:]]


def program_charts(stats: figures.ProgramStatistics) -> list[Chart]:
    growth = stats.growth
    series: list[tuple[str, list[float | None]]] = [
        (label, [_number(row[i]) for row in growth.rows])
        for i, (key, label) in enumerate(growth.columns)
        if key in ("projects", "organizations", "applicants", "placements")
    ]
    organizations = [
        (str(row[0]), [_number(v) for v in row[1:]]) for row in stats.organizations.rows
    ]
    return [
        _line(growth, "chart-growth", series),
        _line(stats.organizations, "chart-organizations", organizations),
    ]


def _number(value: str | int | float | None) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def term_statistics(request: HttpRequest, program: str, term: str) -> HttpResponse:
    term_obj, public = visible_term(request, program, term)
    stats = figures.term_statistics(term_obj)
    tables = stats.tables()
    args = (term_obj.program.slug, term_obj.url_key)
    extra = [
        Chart(k, tables[k].caption, "", tables[k]) for k in ("summary", "stipends") if k in tables
    ]
    summary, *stipends = _linked(extra, "term", *args)
    context = {
        "term": term_obj,
        "program": term_obj.program,
        "stats": stats,
        "public": public,
        "summary": summary,
        "charts": _linked(term_charts(stats), "term", *args),
        "stipends": stipends[0] if stipends else None,
    }
    return render(request, "stats/statistics_term.html", context)


def term_statistics_table(
    request: HttpRequest, program: str, term: str, table: str, fmt: str
) -> HttpResponse:
    term_obj, _ = visible_term(request, program, term)
    tables = figures.term_statistics(term_obj).tables()
    if table not in tables or fmt not in FORMATS:
        raise Http404("No such table.")
    name = f"{term_obj.program.slug}-{term_obj.url_key}-{table}"
    return download(tables[table], name, fmt)


def program_statistics(request: HttpRequest, program: str) -> HttpResponse:
    program_obj = get_object_or_404(Program, slug=program)
    stats = figures.program_statistics(program_obj)
    context = {
        "program": program_obj,
        "stats": stats,
        "charts": _linked(program_charts(stats), "program", program_obj.slug),
        "returning": _linked(
            [Chart("returning", stats.returning.caption, "", stats.returning)],
            "program",
            program_obj.slug,
        )[0],
        "is_admin": is_program_admin(request.user, program_obj),
    }
    return render(request, "stats/statistics_program.html", context)


def program_statistics_table(
    request: HttpRequest, program: str, table: str, fmt: str
) -> HttpResponse:
    program_obj = get_object_or_404(Program, slug=program)
    tables = figures.program_statistics(program_obj).tables()
    if table not in tables or fmt not in FORMATS:
        raise Http404("No such table.")
    return download(tables[table], f"{program_obj.slug}-{table}", fmt)


def table_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([key for key, _ in table.columns])
    writer.writerows(["" if cell is None else cell for cell in row] for row in table.rows)
    return out.getvalue()


def table_json(table: Table) -> dict[str, object]:
    return {"table": table.key, "caption": table.caption, "rows": table.records()}


def download(table: Table, name: str, fmt: str) -> HttpResponse:
    if fmt == "csv":
        response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
    else:
        response = JsonResponse(table_json(table), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
