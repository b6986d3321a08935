"""Inspections' staff pages, under ``staff/inspections/`` (the app has no public page)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.inspection_list, name="list"),
    path("new/", views.inspection_new, name="new"),
    path("<int:pk>/", views.inspection_detail, name="detail"),
    path("<int:pk>/fill/", views.inspection_fill, name="fill"),
    path("<int:pk>/items/<int:item_pk>/", views.answer_save, name="answer_save"),
    path("<int:pk>/opinions/", views.opinion_add, name="opinion_add"),
    path("<int:pk>/submit/", views.inspection_submit, name="submit"),
    path("<int:pk>/correct/", views.inspection_correct, name="correct"),
    path("<int:pk>/report.pdf", views.inspection_report, name="report"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("photos/<int:pk>/delete/", views.photo_delete, name="photo_delete"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("attachments/<int:pk>/", views.attachment_file, name="attachment"),
    path("findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/answer/", views.finding_answer, name="finding_answer"),
    path("findings/<int:pk>/verify/", views.finding_verify, name="finding_verify"),
    path("findings/<int:pk>/feedback/", views.finding_feedback, name="finding_feedback"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger.xlsx", views.ledger_export, name="ledger_export"),
    path("ledger.pdf", views.ledger_pdf, name="ledger_pdf"),
    path("checklists/", views.template_list, name="template_list"),
    path("checklists/new/", views.template_edit, name="template_new"),
    path("checklists/<int:pk>/", views.template_detail, name="template_detail"),
    path("checklists/<int:pk>/edit/", views.template_edit, name="template_edit"),
    path("checklists/<int:template_pk>/sections/new/", views.section_edit, name="section_new"),
    path("checklists/<int:template_pk>/sections/<int:pk>/", views.section_edit, name="section_edit"),
    path("sections/<int:section_pk>/items/new/", views.item_edit, name="item_new"),
    path("sections/<int:section_pk>/items/<int:pk>/", views.item_edit, name="item_edit"),
    path("schedules/", views.schedule_list, name="schedule_list"),
    path("schedules/new/", views.schedule_edit, name="schedule_new"),
    path("schedules/<int:pk>/", views.schedule_edit, name="schedule_edit"),
    path("discussions/", views.discussion_list, name="discussion_list"),
    path("discussions/new/", views.discussion_new, name="discussion_new"),
    path("discussions/<int:pk>/", views.discussion_detail, name="discussion_detail"),
    path("charts/", views.dashboard, name="dashboard"),
    path("departments/<int:pk>/", views.department_page, name="department"),
]
