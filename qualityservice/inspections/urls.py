from django.urls import path

from . import views

app_name = "inspections"
P = "staff/inspections/"
urlpatterns = [
    path(P, views.inspection_list, name="list"),
    path(P + "new/", views.inspection_new, name="new"),
    path(P + "<int:pk>/", views.inspection_detail, name="detail"),
    path(P + "<int:pk>/fill/", views.inspection_fill, name="fill"),
    path(P + "<int:pk>/items/<int:item_pk>/", views.answer_save, name="answer_save"),
    path(P + "<int:pk>/opinions/", views.opinion_add, name="opinion_add"),
    path(P + "<int:pk>/submit/", views.inspection_submit, name="submit"),
    path(P + "<int:pk>/correct/", views.inspection_correct, name="correct"),
    path(P + "<int:pk>/report.pdf", views.inspection_report, name="report"),
    path(P + "photos/<int:pk>/", views.photo, name="photo"),
    path(P + "photos/<int:pk>/delete/", views.photo_delete, name="photo_delete"),
    path(P + "evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path(P + "attachments/<int:pk>/", views.attachment_file, name="attachment"),
    path(P + "findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path(P + "findings/<int:pk>/answer/", views.finding_answer, name="finding_answer"),
    path(P + "findings/<int:pk>/verify/", views.finding_verify, name="finding_verify"),
    path(P + "findings/<int:pk>/feedback/", views.finding_feedback, name="finding_feedback"),
    path(P + "ledger/", views.ledger, name="ledger"),
    path(P + "ledger.xlsx", views.ledger_export, name="ledger_export"),
    path(P + "ledger.pdf", views.ledger_pdf, name="ledger_pdf"),
    path(P + "checklists/", views.template_list, name="template_list"),
    path(P + "checklists/new/", views.template_edit, name="template_new"),
    path(P + "checklists/<int:pk>/", views.template_detail, name="template_detail"),
    path(P + "checklists/<int:pk>/edit/", views.template_edit, name="template_edit"),
    path(P + "checklists/<int:template_pk>/sections/new/", views.section_edit, name="section_new"),
    path(P + "checklists/<int:template_pk>/sections/<int:pk>/", views.section_edit, name="section_edit"),
    path(P + "sections/<int:section_pk>/items/new/", views.item_edit, name="item_new"),
    path(P + "sections/<int:section_pk>/items/<int:pk>/", views.item_edit, name="item_edit"),
    path(P + "schedules/", views.schedule_list, name="schedule_list"),
    path(P + "schedules/new/", views.schedule_edit, name="schedule_new"),
    path(P + "schedules/<int:pk>/", views.schedule_edit, name="schedule_edit"),
    path(P + "discussions/", views.discussion_list, name="discussion_list"),
    path(P + "discussions/new/", views.discussion_new, name="discussion_new"),
    path(P + "discussions/<int:pk>/", views.discussion_detail, name="discussion_detail"),
    path(P + "charts/", views.dashboard, name="dashboard"),
    path(P + "departments/<int:pk>/", views.department_page, name="department"),
]
