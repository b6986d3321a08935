"""The staff page of the indicator registry: every indicator with its definition (口径) and its
values by department for a chosen period, and the same table as an Excel workbook."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from . import indicators
from .exports import xlsx_response
from .forms import BootstrapFormMixin
from .permissions import role_required
from .roles import Role

FIRST_YEAR = 2015


class PeriodForm(BootstrapFormMixin, forms.Form):
    """Year, and optionally a month or a quarter of it (``month`` = 1…12 or q1…q4)."""

    year = forms.TypedChoiceField(label=pgettext_lazy("indicators", "Year"), coerce=int,
                                  error_messages={"invalid_choice": gettext_lazy("Choose a year from the list.")})
    month = forms.ChoiceField(label=pgettext_lazy("indicators", "Month or quarter"), required=False,
                              error_messages={"invalid_choice": gettext_lazy("Choose a month or a quarter from the list.")})

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = today or timezone.localdate()
        self.fields["year"].choices = [(y, str(y)) for y in range(today.year + 1, FIRST_YEAR - 1, -1)]
        self.fields["month"].choices = [
            ("", pgettext_lazy("indicators", "Whole year")),
            (pgettext_lazy("indicators", "Quarters"), [(f"q{q}", _("Q%(quarter)d") % {"quarter": q}) for q in range(1, 5)]),
            (pgettext_lazy("indicators", "Months"), [(str(m), _("Month %(month)d") % {"month": m}) for m in range(1, 13)]),
        ]

    def period(self) -> indicators.Period:
        year, part = self.cleaned_data["year"], self.cleaned_data.get("month") or ""
        if part.startswith("q"):
            return indicators.Period.quarter(year, int(part[1:]))
        if part:
            return indicators.Period.month(year, int(part))
        return indicators.Period.year(year)


def _period_form(request: HttpRequest) -> tuple[PeriodForm, indicators.Period]:
    """The chosen period; without a choice, or with a bad one (the form shows why), this year."""
    today = timezone.localdate()
    if "year" not in request.GET:
        form = PeriodForm(initial={"year": today.year, "month": ""}, today=today)
        return form, indicators.Period.this_year(today)
    form = PeriodForm(request.GET, today=today)
    return form, form.period() if form.is_valid() else indicators.Period.this_year(today)


def _table(request: HttpRequest, period: indicators.Period):
    departments = indicators.departments_for(request.user)  # heads: their own department only
    return departments, indicators.values(None, [d.pk for d in departments], period)


@role_required(Role.HEAD, Role.SUPERVISOR)
def indicator_list(request: HttpRequest) -> HttpResponse:
    form, period = _period_form(request)
    departments, table = _table(request, period)
    rows = [
        {"indicator": indicator, "cells": [(department, indicator.display(value)) for department, value in zip(departments, row, strict=True)]}
        for indicator, row in table.rows()
    ]
    query = urlencode({"year": period.start.year, "month": form.cleaned_data.get("month") or ""}) if form.is_bound and form.is_valid() else ""
    return render(request, "core/indicators.html", {
        "form": form, "period": period, "departments": departments, "rows": rows, "export_query": query,
    })


@role_required(Role.HEAD, Role.SUPERVISOR)
def indicator_export(request: HttpRequest) -> HttpResponse:
    form, period = _period_form(request)
    if form.is_bound and not form.is_valid():
        return indicator_list(request)  # the page explains what is wrong; no file
    departments, table = _table(request, period)
    headers = [pgettext("indicators", "Key"), pgettext("indicators", "Indicator"), pgettext("indicators", "Definition"),
               pgettext("indicators", "Unit"), pgettext("indicators", "Direction"), pgettext("indicators", "Source"),
               *[str(d) for d in departments]]

    def rows():
        for indicator, values in table.rows():
            yield [indicator.key, str(indicator.label), str(indicator.definition), str(indicator.unit),
                   str(indicator.direction_label), indicator.source_name, *values]

    name = pgettext("indicators", "indicators")  # the file name
    return xlsx_response(f"{name}-{period.key}.xlsx", headers, rows(), title=str(period.label))
