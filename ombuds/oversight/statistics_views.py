"""The statistics pages: the auditor's (under /oversight/) and the public ones (under
/transparency/). Both show only published (suppressed) figures; the public sees only
quarters that have ended. Charts are separate SVG responses shown with <img>, each with
its table as its text alternative; CSV and the annual report (HTML and PDF) carry the
same figures."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ombuds.oversight.charts import bar_chart
from ombuds.oversight.printing import PrintedTable, annual_report_pdf
from ombuds.oversight.statistics import (
    Figure,
    YearFigures,
    organisation_by_slug,
    organisations_with_years,
    year_figures,
)
from ombuds.people.views import role_required
from ombuds.record.roles import Role

View = Callable[..., HttpResponse]


def _shown(value: int | None) -> str:
    return _("not shown") if value is None else str(value)


def _header(figures: YearFigures) -> list[str]:
    total = [_("Year")] if len(figures.quarters) > 1 else []
    return ["", *(_("Q%(quarter)s") % {"quarter": q} for q in figures.quarters), *total]


def _rows(figures: YearFigures, figure: Figure) -> list[list[str]]:
    """The table as text: rows, then the quarter totals (a partition table only)."""
    several = len(figures.quarters) > 1
    shown = figure.published
    rows = [
        [label, *(_shown(v) for v in cells), *([_shown(total)] if several else [])]
        for label, cells, total in zip(figure.labels, shown.cells, shown.row_totals, strict=True)
    ]
    if shown.quarter_totals is not None:
        rows.append(
            [_("All cases"), *(_shown(v) for v in shown.quarter_totals),
             *([_shown(shown.total)] if several else [])]
        )  # fmt: skip
    return rows


def withheld_statements(figures: YearFigures) -> list[str]:
    """What the page, the CSV and the reports say about quarters withheld because their
    stored figures do not match the digest signed into the record."""
    return [
        *(_("The figures for Q%(quarter)s could not be checked against the signed record, "
            "so they are withheld.") % {"quarter": q} for q in figures.unchecked),
        *(_("The figures for Q%(quarter)s are withheld too: each quarter of a year is "
            "published together with the quarters before it.") % {"quarter": q}
          for q in figures.held_back),
    ]  # fmt: skip


def _chart(figures: YearFigures, figure: Figure) -> str:
    shown = figure.published
    return bar_chart(
        _("%(title)s, %(year)s") % {"title": figure.title, "year": figures.year},
        list(zip(figure.labels, shown.row_totals, strict=True)),
        _("not shown"),
    )


def _figures(slug: str, year: int, *, public: bool) -> YearFigures:
    return year_figures(organisation_by_slug(slug), year, public=public)


def _page(request: HttpRequest, slug: str, year: int, *, public: bool, template: str) -> Any:
    figures = _figures(slug, year, public=public)
    prefix = "transparency" if public else "oversight"
    context = {
        "figures": figures,
        "header": _header(figures),
        "tables": [(figure, _rows(figures, figure)) for figure in figures.figures],
        "withheld": withheld_statements(figures),
        "public": public,
        "prefix": prefix,
        "back": reverse(f"{prefix}:statistics"),
    }
    return render(request, template, context)


def _csv(slug: str, year: int, *, public: bool) -> HttpResponse:
    figures = _figures(slug, year, public=public)
    out = io.StringIO()
    writer = csv.writer(out)
    for statement in withheld_statements(figures):
        writer.writerow([_("withheld"), statement])
    writer.writerow([_("figure"), _("row"), *_header(figures)[1:]])
    for figure in figures.figures:
        for row in _rows(figures, figure):
            writer.writerow([figure.title, *row])
    for duration in figures.durations:
        spread = duration.spread
        values = (
            [str(spread.lower), str(spread.median), str(spread.upper)] if spread else
            [_("not shown")] * 3
        )  # fmt: skip
        writer.writerow([_("days: lower quartile, median, upper quartile"), duration.label,
                         *values])  # fmt: skip
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"ombuds-{figures.organisation.slug}-{figures.year}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _svg(slug: str, year: int, figure_slug: str, *, public: bool) -> HttpResponse:
    figures = _figures(slug, year, public=public)
    return HttpResponse(
        _chart(figures, figures.figure(figure_slug)), content_type="image/svg+xml; charset=utf-8"
    )


def _pdf(slug: str, year: int, *, public: bool) -> HttpResponse:
    figures = _figures(slug, year, public=public)
    title = _("Annual report %(year)s: %(organisation)s") % {
        "year": figures.year, "organisation": figures.organisation.name}  # fmt: skip
    intro = [
        _("Complaints received in %(year)s, counted by the quarter they were received in.")
        % {"year": figures.year},
        _("Counts from 1 to %(below)s are not shown, and other counts are hidden with them "
          "so that no hidden count can be worked out from the totals.")
        % {"below": figures.threshold - 1},
        *(_("Figures for a closed quarter are final as of %(date)s: Q%(quarter)s.")
          % {"date": date_format(localtime(at), "j F Y"), "quarter": quarter}
          for quarter, at in figures.final),
        *withheld_statements(figures),
    ]  # fmt: skip
    tables = [
        PrintedTable(
            f.title, _header(figures), _rows(figures, f), _chart(figures, f) if f.labels else None
        )
        for f in figures.figures
    ]
    if figures.durations:  # none when every quarter of the year is withheld
        tables.append(
            PrintedTable(
                _("Time taken, in days"),
                [_("Measure"), _("Lower quartile"), _("Median"), _("Upper quartile")],
                [
                    [d.label, *((str(d.spread.lower), str(d.spread.median), str(d.spread.upper))
                                if d.spread else [_("not shown")] * 3)]
                    for d in figures.durations
                ],
            )
        )  # fmt: skip
    response = HttpResponse(annual_report_pdf(title, intro, tables), content_type="application/pdf")
    name = f"ombuds-{figures.organisation.slug}-{figures.year}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# The auditor's pages. --------------------------------------------------------------------


@role_required(Role.AUDITOR)
@require_GET
def auditor_index(request: HttpRequest) -> HttpResponse:
    context = {"organisations": organisations_with_years(public=False), "prefix": "oversight",
               "public": False}  # fmt: skip
    return render(request, "oversight/statistics_index.html", context)


@role_required(Role.AUDITOR)
@require_GET
def auditor_year(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    return _page(request, slug, year, public=False, template="oversight/statistics.html")


@role_required(Role.AUDITOR)
@require_GET
def auditor_report(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    return _page(request, slug, year, public=False, template="oversight/annual_report.html")


@role_required(Role.AUDITOR)
@require_GET
def auditor_csv(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    return _csv(slug, year, public=False)


@role_required(Role.AUDITOR)
@require_GET
def auditor_chart(request: HttpRequest, slug: str, year: int, figure: str) -> HttpResponse:
    return _svg(slug, year, figure, public=False)


@role_required(Role.AUDITOR)
@require_GET
def auditor_pdf(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    return _pdf(slug, year, public=False)


# The public pages: no session needed, only quarters that have ended. -------------------


@require_GET
def public_index(request: HttpRequest) -> HttpResponse:
    context = {"organisations": organisations_with_years(public=True), "prefix": "transparency",
               "public": True}  # fmt: skip
    return render(request, "oversight/statistics_index.html", context)


@require_GET
def public_year(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    return _page(request, slug, year, public=True, template="oversight/statistics.html")


@require_GET
def public_report(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    return _page(request, slug, year, public=True, template="oversight/annual_report.html")


@require_GET
def public_csv(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    return _csv(slug, year, public=True)


@require_GET
def public_chart(request: HttpRequest, slug: str, year: int, figure: str) -> HttpResponse:
    return _svg(slug, year, figure, public=True)


@require_GET
def public_pdf(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    return _pdf(slug, year, public=True)
