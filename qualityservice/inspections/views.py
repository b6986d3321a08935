from __future__ import annotations

import base64

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from qualityservice.core.documents import pdf_response, render_pdf
from qualityservice.core.exports import refuse_invalid_filter, xlsx_response
from qualityservice.core.i18n import pick
from qualityservice.core.permissions import MANAGER_ROLES, department_scope, role_required
from qualityservice.core.roles import Role
from qualityservice.core.submissions import create_once, scoped
from qualityservice.core.workflow import TransitionError
from qualityservice.org.models import Department

from . import services
from .forms import (
    AnswerForm,
    CorrectionForm,
    DiscussionForm,
    FindingAnswerForm,
    InspectionFilterForm,
    InspectionForm,
    ItemForm,
    LedgerFilterForm,
    OpinionForm,
    ScheduleForm,
    SectionForm,
    SubmitForm,
    TemplateForm,
    VerifyForm,
)
from .models import (
    AnswerPhoto,
    ChecklistItem,
    ChecklistSection,
    ChecklistTemplate,
    DiscussionAttachment,
    DiscussionRecord,
    Evidence,
    Finding,
    Inspection,
    InspectionSchedule,
    Kind,
)
from .uploads import clean_file
from .workflows import describe_events

PAGE_SIZE = 30
SUPERVISOR = (Role.SUPERVISOR,)


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch" or "application/json" in request.headers.get("Accept", "")


def _messages_of(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


# --- Inspections ---------------------------------------------------------------------------------


@role_required(*MANAGER_ROLES)
def inspection_list(request: HttpRequest) -> HttpResponse:
    form = InspectionFilterForm(request.GET or None, user=request.user)
    inspections = form.filter(
        Inspection.objects.visible_to(request.user).select_related("department", "place", "template", "inspector__staff")
    ).annotate(n_findings=Count("findings"))
    page = Paginator(inspections.order_by("-due_date", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inspections/inspection_list.html", {"form": form, "page_obj": page,
                                                                "is_supervisor": services.is_group_wide(request.user)})


@role_required(*MANAGER_ROLES)
def inspection_new(request: HttpRequest) -> HttpResponse:
    scope = department_scope(request.user)
    initial = {"department": next(iter(scope))} if scope else {}
    if request.GET.get("template", "").isdigit():
        initial["template"] = int(request.GET["template"])
    form = InspectionForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():

        def create(key):
            inspection = form.save(commit=False)
            inspection.submission_key = key
            inspection.pass_mark = inspection.template.pass_mark if inspection.template_id else inspection.pass_mark
            inspection.inspector = request.user
            inspection.save()
            return inspection

        inspection, created = create_once(Inspection, scoped("inspection", form.cleaned_data["submission_key"]), create)
        if not created:  # the same form again (double click, resent POST): the first one's inspection
            inspection = get_object_or_404(Inspection.objects.visible_to(request.user), pk=inspection.pk)
            return redirect("inspections:fill", inspection.pk)
        messages.success(request, _("Inspection created. Fill it in item by item; every answer is saved as you go."))
        return redirect("inspections:fill", inspection.pk)
    return render(request, "inspections/inspection_form.html", {"form": form, "title": _("New inspection")})


def _detail_context(inspection: Inspection) -> dict:
    sections = services.template_structure(inspection.template_id) if inspection.template_id else []
    answers = {a.item_id: a for a in inspection.answers.prefetch_related("photos")}
    rows = []
    for section in sections:
        items = [(item, answers.get(item.pk)) for item in section.items.all()]
        rows.append((section, items))
    section_scores = {s.section_id: s.score for s in inspection.section_scores.all()} if inspection.status == Inspection.Status.SUBMITTED else {}
    for section, _items in rows:
        section.result = section_scores.get(section.pk)
    return {"sections": rows, "answers": answers, "section_scores": section_scores,
            "answered": len(answers), "total_items": sum(len(items) for _, items in rows)}


@role_required(*MANAGER_ROLES)
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_object_or_404(
        Inspection.objects.visible_to(request.user).select_related("department", "place", "template", "inspector__staff", "schedule"), pk=pk
    )
    findings = list(inspection.findings.select_related("owner", "verified_by__staff"))
    corrections = list(inspection.corrections.select_related("item", "corrected_by__staff"))
    opinions = list(inspection.opinions.all())
    ctx = _detail_context(inspection)
    correction_form = None
    if inspection.status == Inspection.Status.SUBMITTED and services.is_group_wide(request.user) and inspection.template_id:
        correction_form = CorrectionForm(inspection=inspection)
    ctx.update({"inspection": inspection, "findings": findings, "corrections": corrections, "opinions": opinions,
                "can_fill": services.can_fill(request.user, inspection), "correction_form": correction_form,
                "status_events": services.status_events(inspection)})
    return render(request, "inspections/inspection_detail.html", ctx)


def _fillable(request: HttpRequest, pk: int) -> Inspection:
    inspection = get_object_or_404(Inspection.objects.visible_to(request.user).select_related("department", "place", "template"), pk=pk)
    if not services.can_fill(request.user, inspection):
        raise Http404
    return inspection


@role_required(*MANAGER_ROLES)
def inspection_fill(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_object_or_404(Inspection.objects.visible_to(request.user).select_related("department", "place", "template"), pk=pk)
    if not services.can_fill(request.user, inspection):
        if not inspection.is_open:
            return redirect(inspection)
        raise Http404
    services.start_inspection(inspection, request.user)
    ctx = _detail_context(inspection)
    ctx.update({
        "inspection": inspection, "opinions": list(inspection.opinions.all()), "opinion_form": OpinionForm(),
        "submit_form": SubmitForm(initial={"location": inspection.location or (inspection.place and str(inspection.place)) or "",
                                           "summary": inspection.summary}),
    })
    return render(request, "inspections/inspection_fill.html", ctx)


@require_POST
@role_required(*MANAGER_ROLES)
def answer_save(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    inspection = _fillable(request, pk)
    item = get_object_or_404(ChecklistItem.objects.select_related("section"), pk=item_pk, section__template_id=inspection.template_id)
    form = AnswerForm(request.POST)
    errors: list[str] = []
    answer = None
    if not form.is_valid():
        errors = [_("Choose pass, fail or N/A.")]
    else:
        try:
            answer = services.save_answer(
                inspection, item, result=form.cleaned_data["result"], score=form.cleaned_data["score"],
                note=form.cleaned_data["note"], photos=request.FILES.getlist("photo"), user=request.user,
            )
        except ValidationError as exc:
            errors = _messages_of(exc)
    if _wants_json(request):
        if errors:
            return JsonResponse({"ok": False, "item": item.pk, "errors": errors}, status=400)
        return JsonResponse({"ok": True, "item": item.pk, "result": answer.result, "photos": answer.photos.count(),
                             "message": _("Saved")})
    if errors:
        for error in errors:
            messages.error(request, f"{item.display_text}: {error}")
    else:
        messages.success(request, _("Saved: %(item)s") % {"item": item.display_text})
    return redirect(reverse("inspections:fill", args=[inspection.pk]) + f"#item-{item.pk}")


@require_POST
@role_required(*MANAGER_ROLES)
def opinion_add(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _fillable(request, pk)
    form = OpinionForm(request.POST)
    if form.is_valid():
        try:
            services.add_opinion(inspection, user=request.user, **form.cleaned_data)
            messages.success(request, _("Opinion recorded."))
        except ValidationError as exc:
            for m in _messages_of(exc):
                messages.error(request, m)
    else:
        messages.error(request, _("Write the opinion."))
    return redirect(reverse("inspections:fill", args=[inspection.pk]) + "#opinions")


@require_POST
@role_required(*MANAGER_ROLES)
def inspection_submit(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_object_or_404(Inspection.objects.visible_to(request.user), pk=pk)
    if inspection.status == Inspection.Status.SUBMITTED:
        return redirect(inspection)  # a double-submitted form lands on the result
    if not services.can_fill(request.user, inspection):
        raise Http404
    form = SubmitForm(request.POST)
    form.is_valid()
    try:
        services.submit_inspection(inspection, request.user, location=form.cleaned_data.get("location", ""),
                                   summary=form.cleaned_data.get("summary", ""))
    except TransitionError as exc:  # what is missing, or already submitted by a concurrent request
        messages.error(request, _("The inspection was not submitted:") + " " + " ".join(_messages_of(exc)))
        return redirect("inspections:fill", inspection.pk)
    messages.success(request, _("Inspection submitted."))
    return redirect(inspection)


@require_POST
@role_required(*SUPERVISOR)
def inspection_correct(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_object_or_404(Inspection.objects.visible_to(request.user), pk=pk)
    form = CorrectionForm(request.POST, inspection=inspection)
    if form.is_valid():
        try:
            services.correct_answer(inspection, form.cleaned_data["item"], result=form.cleaned_data["result"],
                                    score=form.cleaned_data["score"], reason=form.cleaned_data["reason"], user=request.user)
            messages.success(request, _("Correction recorded."))
        except ValidationError as exc:
            messages.error(request, " ".join(_messages_of(exc)))
    else:
        messages.error(request, " ".join(m for errs in form.errors.values() for m in errs))
    return redirect(inspection)


def _data_uri(field) -> str:
    try:
        with field.open("rb") as fh:
            return "data:image/jpeg;base64," + base64.b64encode(fh.read()).decode()
    except (OSError, ValueError):
        return ""


@role_required(*MANAGER_ROLES)
def inspection_report(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_object_or_404(
        Inspection.objects.visible_to(request.user).select_related("department", "place", "template", "inspector__staff"), pk=pk
    )
    ctx = _detail_context(inspection)
    for answer in ctx["answers"].values():
        for p in answer.photos.all():
            p.data_uri = _data_uri(p.image)
    ctx.update({"inspection": inspection, "opinions": list(inspection.opinions.all()),
                "findings": list(inspection.findings.select_related("owner", "verified_by__staff")),
                "now": timezone.localtime()})
    pdf = render_pdf("inspections/report_pdf.html", ctx, request)
    return pdf_response(pdf, f"inspection-{inspection.pk}.pdf", inline=request.GET.get("inline") == "1")


# --- Protected files ------------------------------------------------------------------------------


def _file_response(field, name: str = "", image: bool = True):
    try:
        handle = field.open("rb")
    except (OSError, ValueError):
        raise Http404 from None
    if image:
        return FileResponse(handle, content_type="image/jpeg")
    return FileResponse(handle, as_attachment=True, filename=name or field.name.rsplit("/", 1)[-1])


@role_required(*MANAGER_ROLES)
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    visible = Inspection.objects.visible_to(request.user).values("pk")
    obj = get_object_or_404(AnswerPhoto, pk=pk, answer__inspection__in=visible)
    return _file_response(obj.image)


@require_POST
@role_required(*MANAGER_ROLES)
def photo_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a photo from an item of an open inspection (a submitted one is immutable)."""
    visible = Inspection.objects.visible_to(request.user).values("pk")
    obj = get_object_or_404(AnswerPhoto.objects.select_related("answer__inspection"), pk=pk, answer__inspection__in=visible)
    inspection = obj.answer.inspection
    if not services.can_fill(request.user, inspection):
        raise Http404
    item_pk = obj.answer.item_id
    obj.image.delete(save=False)
    obj.delete()
    messages.success(request, _("Photo removed."))
    return redirect(reverse("inspections:fill", args=[inspection.pk]) + f"#item-{item_pk}")


@role_required(*MANAGER_ROLES)
def evidence_file(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(Evidence, pk=pk, finding__in=Finding.objects.visible_to(request.user).values("pk"))
    return _file_response(obj.file, obj.name, image=obj.is_image)


@role_required(*MANAGER_ROLES)
def attachment_file(request: HttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(DiscussionAttachment, pk=pk, record__in=DiscussionRecord.objects.visible_to(request.user).values("pk"))
    return _file_response(obj.file, obj.name, image=obj.is_image)


# --- Findings and rectification -----------------------------------------------------------------


def _finding(request: HttpRequest, pk: int) -> Finding:
    return get_object_or_404(
        Finding.objects.visible_to(request.user).select_related(
            "department", "inspection__department", "owner", "verified_by__staff", "answer__item__section"
        ),
        pk=pk,
    )


@role_required(*MANAGER_ROLES)
def finding_detail(request: HttpRequest, pk: int, answer_form=None, verify_form=None) -> HttpResponse:
    finding = _finding(request, pk)
    events = describe_events(list(finding.events.select_related("actor__staff")))
    evidence = list(finding.evidence.all())
    photos = list(finding.answer.photos.all()) if finding.answer_id else []
    if answer_form is None and services.can_answer_finding(request.user, finding):
        answer_form = FindingAnswerForm(finding=finding, initial={"measure": finding.measure, "owner": finding.owner_id,
                                                                   "deadline": finding.deadline})
    if verify_form is None and services.can_verify(request.user, finding):
        verify_form = VerifyForm()
    return render(request, "inspections/finding_detail.html", {
        "finding": finding, "events": events, "evidence": evidence, "photos": photos, "answer_form": answer_form,
        "verify_form": verify_form, "feedback_available": services.feedback_available() and services.is_group_wide(request.user),
    }, status=400 if (answer_form is not None and answer_form.is_bound) or (verify_form is not None and verify_form.is_bound) else 200)


@require_POST
@role_required(*MANAGER_ROLES)
def finding_answer(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _finding(request, pk)
    if not services.can_answer_finding(request.user, finding):
        messages.error(request, _("This rectification cannot be answered now."))
        return redirect(finding)
    form = FindingAnswerForm(request.POST, request.FILES, finding=finding)
    if form.is_valid():
        try:
            services.answer_finding(finding, actor=request.user, measure=form.cleaned_data["measure"], owner=form.cleaned_data["owner"],
                                    deadline=form.cleaned_data["deadline"], files=form.cleaned_data["evidence"])
        except ValidationError as exc:  # field and file errors, or the move's TransitionError
            for field, errs in exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]:
                for err in errs:
                    form.add_error(field if field in form.fields else None, err)
        else:
            messages.success(request, _("Rectification submitted for verification."))
            return redirect(finding)
    return finding_detail(request, pk, answer_form=form)


@require_POST
@role_required(*SUPERVISOR)
def finding_verify(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _finding(request, pk)
    form = VerifyForm(request.POST)
    if form.is_valid():
        try:
            services.verify_finding(finding, actor=request.user, accept=form.cleaned_data["decision"] == "accept",
                                    reason=form.cleaned_data["reason"])
        except TransitionError as exc:
            form.add_error(None, " ".join(_messages_of(exc)))
        else:
            messages.success(request, _("Rectification verified.") if form.cleaned_data["decision"] == "accept"
                             else _("Rectification sent back."))
            return redirect(finding)
    return finding_detail(request, pk, verify_form=form)


@require_POST
@role_required(*SUPERVISOR)
def finding_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _finding(request, pk)
    try:
        code = services.link_feedback(finding, actor=request.user)
        messages.success(request, _("Linked to feedback record %(code)s.") % {"code": code})
    except ValidationError as exc:
        messages.error(request, " ".join(_messages_of(exc)))
    except Exception:
        services.log.exception("create_feedback failed")
        messages.error(request, _("The feedback record could not be created."))
    return redirect(finding)


# --- Ledger (整改台账) -----------------------------------------------------------------------------


def _ledger_queryset(request: HttpRequest):
    form = LedgerFilterForm(request.GET or None, user=request.user)
    qs = form.filter(Finding.objects.visible_to(request.user))
    return form, qs


@role_required(*MANAGER_ROLES)
def ledger(request: HttpRequest) -> HttpResponse:
    form, qs = _ledger_queryset(request)
    counts = services.ledger_counts(qs)
    rows = qs.select_related("department", "inspection", "owner", "verified_by__staff").order_by("-created_at", "-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inspections/ledger.html", {"form": form, "page_obj": page, "counts": counts,
                                                        "today": timezone.localdate(), "query": request.GET.urlencode()})


def _ledger_headers() -> list[str]:
    return [_("No."), _("Department"), _("Found on"), _("Source"), _("Problem found"), _("Measure"), _("Responsible"),
            _("Rectification deadline"), _("Status"), _("Verified by"), _("Verified on")]


def _ledger_rows(qs):
    """One row per finding of ``qs`` in the reader's language (the English text where there is one),
    streamed: the rows of the Excel export and of the PDF ledger."""
    kinds = dict(Kind.choices)
    statuses = dict(Finding.Status.choices)
    sources = dict(Finding.Source.choices)
    rows = qs.order_by("department__sort_order", "created_at", "pk").values_list(
        "department__name", "department__name_en", "created_at", "inspection__kind", "inspection__title", "source", "problem",
        "problem_en", "measure", "owner__name", "deadline", "status", "verified_by__staff__name", "verified_by__username",
        "verified_at",
    )
    for n, r in enumerate(rows.iterator(chunk_size=2000), start=1):
        dept, dept_en, created, kind, title, source, problem, problem_en, measure, owner, deadline, status, vname, vuser, vat = r
        yield [
            n, pick(dept, dept_en), timezone.localtime(created).date().isoformat(),
            _("%(kind)s · %(title)s (%(source)s)") % {"kind": kinds.get(kind, kind), "title": title, "source": sources.get(source, source)},
            pick(problem, problem_en), measure, owner or "", deadline.isoformat() if deadline else "", str(statuses.get(status, status)),
            vname or vuser or "", timezone.localtime(vat).date().isoformat() if vat else "",
        ]


@role_required(*MANAGER_ROLES)
def ledger_export(request: HttpRequest) -> HttpResponse:
    form, qs = _ledger_queryset(request)
    if form.is_bound and not form.is_valid():
        return refuse_invalid_filter(request, form, reverse("inspections:ledger"))
    stamp = timezone.localtime().strftime("%Y%m%d")
    return xlsx_response(f"{_('rectification-ledger')}-{stamp}.xlsx", _ledger_headers(), _ledger_rows(qs),
                         title=_("Rectification ledger"))


def ledger_pdf_max_rows() -> int:
    return int(getattr(settings, "QS_INSPECTIONS_LEDGER_PDF_MAX_ROWS", 500))


def _ledger_filters(request: HttpRequest, form: LedgerFilterForm) -> dict:
    """The heading of the printed ledger: the period and every filter, in words."""
    data = form.cleaned_data if form.is_bound else {}
    date_from, date_to = data.get("date_from"), data.get("date_to")
    if date_from and date_to:
        period = _("%(start)s to %(end)s") % {"start": date_from.isoformat(), "end": date_to.isoformat()}
    elif date_from:
        period = _("from %(start)s") % {"start": date_from.isoformat()}
    elif date_to:
        period = _("until %(end)s") % {"end": date_to.isoformat()}
    else:
        period = _("all dates")
    department = data.get("department")
    if department is None:
        scope = department_scope(request.user)
        own = Department.objects.filter(pk__in=scope).first() if scope else None
        department = own.display_name if own is not None else _("All departments")
    else:
        department = department.display_name
    status = data.get("status") or ""
    statuses = {"overdue": _("Overdue"), **dict(Finding.Status.choices)}
    filters = [(_("Department"), department), (pgettext("ledger heading", "Period"), period)]
    if status:
        filters.append((_("Status"), str(statuses.get(status, status))))
    if data.get("kind"):
        filters.append((_("Inspection kind"), str(dict(Kind.choices).get(data["kind"], data["kind"]))))
    if data.get("q"):
        filters.append((_("Search"), data["q"]))
    return {"period": period, "filters": [_("%(label)s: %(value)s") % {"label": label, "value": value} for label, value in filters]}


@role_required(*MANAGER_ROLES)
def ledger_pdf(request: HttpRequest) -> HttpResponse:
    """The ledger to print and stamp: the same filters and scoping as the Excel export, A4 landscape."""
    form, qs = _ledger_queryset(request)
    if form.is_bound and not form.is_valid():
        return refuse_invalid_filter(request, form, reverse("inspections:ledger"))
    total, limit = qs.count(), ledger_pdf_max_rows()
    if total > limit:
        messages.error(request, _("This selection has %(n)d findings; the PDF holds at most %(max)d. Narrow the filter "
                                  "(department, period, status) or export to Excel.") % {"n": total, "max": limit})
        query = request.GET.urlencode()
        return redirect(reverse("inspections:ledger") + (f"?{query}" if query else ""))
    counts = services.ledger_counts(qs)
    count_labels = [(_("Findings"), counts["total"]), (_("Awaiting rectification"), counts["open"]),
                    (_("Awaiting verification"), counts["awaiting"]), (_("Verified"), counts["accepted"]),
                    (_("Overdue"), counts["overdue"])]
    ctx = {"headers": _ledger_headers(), "rows": list(_ledger_rows(qs)), "now": timezone.localtime(),
           "count_labels": count_labels, **_ledger_filters(request, form)}
    pdf = render_pdf("inspections/ledger_pdf.html", ctx, request)
    stamp = timezone.localtime().strftime("%Y%m%d")
    return pdf_response(pdf, f"{_('rectification-ledger')}-{stamp}.pdf", inline=request.GET.get("inline") == "1")


# --- Checklist templates (supervisor) -------------------------------------------------------------


@role_required(*SUPERVISOR)
def template_list(request: HttpRequest) -> HttpResponse:
    templates = ChecklistTemplate.objects.annotate(
        n_sections=Count("sections", distinct=True), n_items=Count("sections__items", distinct=True)
    ).order_by("pk")
    return render(request, "inspections/template_list.html", {"templates": templates})


@role_required(*SUPERVISOR)
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(ChecklistTemplate, pk=pk)
    return render(request, "inspections/template_detail.html", {"template": template, "sections": services.template_structure(pk)})


@role_required(*SUPERVISOR)
def template_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    template = get_object_or_404(ChecklistTemplate, pk=pk) if pk else None
    form = TemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("Checklist saved."))
        return redirect(saved)
    title = _("Edit checklist") if template else _("New checklist")
    back = template.get_absolute_url() if template else reverse("inspections:template_list")
    return render(request, "org/form.html", {"form": form, "title": title, "back": back, "once": template is None})


@role_required(*SUPERVISOR)
def section_edit(request: HttpRequest, template_pk: int, pk: int | None = None) -> HttpResponse:
    template = get_object_or_404(ChecklistTemplate, pk=template_pk)
    section = get_object_or_404(ChecklistSection, pk=pk, template=template) if pk else None
    form = SectionForm(request.POST or None, instance=section)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        obj.template = template
        try:
            with transaction.atomic():
                obj.save()
        except IntegrityError:  # same title twice (double submit): the first one stands
            messages.warning(request, _("This checklist already has a section with that title."))
            return redirect(template)
        messages.success(request, _("Section saved."))
        return redirect(template)
    return render(request, "org/form.html", {"form": form, "title": _("Section of %(t)s") % {"t": template.display_name},
                                             "back": template.get_absolute_url(), "once": section is None})


@role_required(*SUPERVISOR)
def item_edit(request: HttpRequest, section_pk: int, pk: int | None = None) -> HttpResponse:
    section = get_object_or_404(ChecklistSection.objects.select_related("template"), pk=section_pk)
    item = get_object_or_404(ChecklistItem, pk=pk, section=section) if pk else None
    form = ItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        obj.section = section
        try:
            with transaction.atomic():
                obj.save()
        except IntegrityError:  # same text twice (double submit): the first one stands
            messages.warning(request, _("This section already has an item with that text."))
            return redirect(section.template)
        messages.success(request, _("Item saved."))
        return redirect(section.template)
    return render(request, "org/form.html", {"form": form, "title": _("Item of %(s)s") % {"s": section.display_title},
                                             "back": section.template.get_absolute_url(), "once": item is None})


# --- Schedules ------------------------------------------------------------------------------------


@role_required(*MANAGER_ROLES)
def schedule_list(request: HttpRequest) -> HttpResponse:
    schedules = InspectionSchedule.objects.visible_to(request.user).select_related("department", "place", "template")
    if not services.is_group_wide(request.user):
        schedules = schedules.filter(kind=Kind.SELF)
    return render(request, "inspections/schedule_list.html", {"schedules": schedules})


@role_required(*MANAGER_ROLES)
def schedule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    schedules = InspectionSchedule.objects.visible_to(request.user)
    if not services.is_group_wide(request.user):
        schedules = schedules.filter(kind=Kind.SELF)
    schedule = get_object_or_404(schedules, pk=pk) if pk else None
    form = ScheduleForm(request.POST or None, instance=schedule, user=request.user)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        obj.created_by = obj.created_by or request.user
        obj.save()
        services.generate_due_inspections()
        messages.success(request, _("Schedule saved; due inspections are created a week ahead."))
        return redirect("inspections:schedule_list")
    title = _("Edit schedule") if schedule else _("New schedule")
    return render(request, "org/form.html", {"form": form, "title": title, "back": reverse("inspections:schedule_list"),
                                             "once": schedule is None})


# --- 大讨论 -----------------------------------------------------------------------------------------


@role_required(*MANAGER_ROLES)
def discussion_list(request: HttpRequest) -> HttpResponse:
    records = DiscussionRecord.objects.visible_to(request.user).select_related("department").annotate(n_files=Count("attachments")).order_by("-held_on", "-pk")
    department = None
    dept = request.GET.get("department", "")
    departments = list(services.visible_departments(request.user))
    if dept.isdigit():
        department = next((d for d in departments if d.pk == int(dept)), None)
        if department is not None:
            records = records.filter(department=department)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inspections/discussion_list.html", {"page_obj": page, "departments": departments, "selected": department})


@role_required(*MANAGER_ROLES)
def discussion_new(request: HttpRequest) -> HttpResponse:
    scope = department_scope(request.user)
    initial = {"department": next(iter(scope))} if scope else {}
    form = DiscussionForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        key = scoped("discussion", form.cleaned_data["submission_key"])
        existing = DiscussionRecord.objects.visible_to(request.user).filter(submission_key=key).first() if key else None
        if existing is not None:  # the same form again: do not even check its files
            return redirect(existing)
        files, errors = [], []
        for upload in form.cleaned_data["attachments"]:
            try:
                files.append((upload.name, *clean_file(upload)))
            except ValidationError as exc:
                errors.extend(exc.messages)
        for e in errors:
            form.add_error("attachments", e)
        if not errors:

            def create(key):
                record = form.save(commit=False)
                record.created_by = request.user
                record.submission_key = key
                record.save()
                for original, content, is_image in files:
                    att = DiscussionAttachment(record=record, name=original[-200:], is_image=is_image)
                    att.file.save(content.name, content, save=False)
                    att.save()
                services.record_discussion_evidence(record)  # evidence of the department's campaign activity
                return record

            record, created = create_once(DiscussionRecord, key, create)
            if not created:
                record = get_object_or_404(DiscussionRecord.objects.visible_to(request.user), pk=record.pk)
                return redirect(record)
            messages.success(request, _("Discussion record saved."))
            return redirect(record)
    return render(request, "inspections/discussion_form.html", {"form": form}, status=400 if form.is_bound else 200)


@role_required(*MANAGER_ROLES)
def discussion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(DiscussionRecord.objects.visible_to(request.user).select_related("department", "created_by__staff"), pk=pk)
    return render(request, "inspections/discussion_detail.html", {"record": record, "attachments": list(record.attachments.all())})


# --- Charts -----------------------------------------------------------------------------------------


@role_required(*MANAGER_ROLES)
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = department_scope(request.user)
    if scope is not None:
        return redirect("inspections:department", next(iter(scope)))
    data = services.chart_data()
    findings = Finding.objects.all()
    counts = services.ledger_counts(findings)
    by_department = list(
        Department.objects.filter(kind=Department.Kind.CENTRE, is_active=True).annotate(
            n_done=Count("inspections", filter=Q(inspections__status=Inspection.Status.SUBMITTED), distinct=True),
            n_missed=Count("inspections", filter=Q(inspections__status=Inspection.Status.MISSED), distinct=True),
        ).order_by("sort_order", "pk")
    )
    open_by_dept = dict(Finding.objects.open().values_list("department_id").annotate(n=Count("pk")))
    for d in by_department:
        d.n_open = open_by_dept.get(d.pk, 0)
    return render(request, "inspections/dashboard.html", {"chart": data, "counts": counts, "departments": by_department})


@role_required(*MANAGER_ROLES)
def department_page(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(Department.objects.visible_to(request.user), pk=pk)
    data = services.chart_data(department_ids=[department.pk])
    counts = services.ledger_counts(Finding.objects.filter(department=department))
    recent = list(Inspection.objects.visible_to(request.user).filter(department=department).select_related("template")
                  .order_by("-due_date", "-pk")[:10])
    discussions = list(DiscussionRecord.objects.filter(department=department).order_by("-held_on")[:5])
    return render(request, "inspections/department.html", {"department": department, "chart": data, "counts": counts,
                                                           "recent": recent, "discussions": discussions})

