"""The administrator's pages for an organisation's working-day calendar and service
levels. Administrators never see cases: these pages hold dates and numbers only."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ombuds.lib.errors import InvalidInput, NotFound
from ombuds.people.models import Organisation
from ombuds.people.reauth import recent_password_required
from ombuds.people.regions import region_named
from ombuds.people.views import person_of, role_required
from ombuds.record.roles import Role
from ombuds.timetable.forms import ClosureDayForm, RegionForm, RemoveClosureForm, ServiceLevelsForm
from ombuds.timetable.models import ClosureDay
from ombuds.timetable.schedule import organisation_holidays, service_levels
from ombuds.timetable.services import (
    calendar_region_set,
    closure_day_add,
    closure_day_remove,
    service_levels_set,
)


def _organisation(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise NotFound("No such organisation.")
    return organisation


def _calendar_page(
    request: HttpRequest,
    organisation: Organisation,
    *,
    region_form: RegionForm | None = None,
    closure_form: ClosureDayForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.now().date()
    coming = sorted(
        d for d in organisation_holidays(organisation, start=today) if (d - today).days <= 366
    )
    closures = {c.day: c.label for c in ClosureDay.objects.filter(organisation=organisation)}
    context = {
        "organisation": organisation,
        "region": region_named(organisation.region).label,
        "region_form": region_form or RegionForm(initial={"region": organisation.region}),
        "closure_form": closure_form or ClosureDayForm(),
        "closures": sorted(closures.items()),
        "holidays": [d for d in coming if d not in closures],
    }
    return render(request, "deadlines/calendar.html", context, status=status)


@role_required(Role.ADMINISTRATOR)
@recent_password_required
@require_http_methods(["GET"])
def calendar(request: HttpRequest, slug: str) -> HttpResponse:
    return _calendar_page(request, _organisation(slug))


@role_required(Role.ADMINISTRATOR)
@recent_password_required
@require_POST
def calendar_region(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(slug)
    form = RegionForm(request.POST)
    if form.is_valid():
        calendar_region_set(
            actor=person_of(request), organisation=organisation, region=form.cleaned_data["region"]
        )
        messages.success(request, "The calendar region is saved.")
        return redirect("timetable:calendar", slug=slug)
    return _calendar_page(request, organisation, region_form=form, status=400)


@role_required(Role.ADMINISTRATOR)
@recent_password_required
@require_POST
def closure_add(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(slug)
    form = ClosureDayForm(request.POST)
    if form.is_valid():
        try:
            closure_day_add(
                actor=person_of(request),
                organisation=organisation,
                day=form.cleaned_data["day"],
                label=form.cleaned_data["label"],
            )
        except InvalidInput as exc:
            form.refuse(exc.message, "day")
        else:
            messages.success(request, "The closure day is added.")
            return redirect("timetable:calendar", slug=slug)
    return _calendar_page(request, organisation, closure_form=form, status=400)


@role_required(Role.ADMINISTRATOR)
@recent_password_required
@require_POST
def closure_remove(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(slug)
    form = RemoveClosureForm(request.POST)
    if not form.is_valid():
        raise InvalidInput("Choose a closure day to remove.")
    closure_day_remove(
        actor=person_of(request), organisation=organisation, day=form.cleaned_data["day"]
    )
    messages.success(request, "The closure day is removed.")
    return redirect("timetable:calendar", slug=slug)


@role_required(Role.ADMINISTRATOR)
@recent_password_required
@require_http_methods(["GET", "POST"])
def levels(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(slug)
    form = ServiceLevelsForm(request.POST or None, current=service_levels(organisation))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                service_levels_set(
                    actor=person_of(request), organisation=organisation, values=form.cleaned_data
                )
            except InvalidInput as exc:
                form.refuse(exc.message)
            else:
                messages.success(request, f"The service levels for {organisation.name} are saved.")
                return redirect("timetable:levels", slug=slug)
    context = {
        "organisation": organisation,
        "form": form,
    }
    return render(request, "deadlines/levels.html", context, status=status)
