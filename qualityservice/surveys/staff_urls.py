"""Surveys' staff pages, under ``staff/surveys/``."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_edit, name="new"),
    path("index/", views.index_overview, name="index"),
    path("index/<int:pk>/", views.index_department, name="index_department"),
    path("<int:pk>/", views.builder, name="builder"),
    path("<int:pk>/edit/", views.survey_edit, name="edit"),
    path("<int:pk>/sections/add/", views.section_add, name="section_add"),
    path("<int:pk>/sections/<int:section_pk>/edit/", views.section_edit, name="section_edit"),
    path("<int:pk>/sections/<int:section_pk>/delete/", views.section_delete, name="section_delete"),
    path("<int:pk>/questions/new/", views.question_edit, name="question_new"),
    path("<int:pk>/questions/<int:question_pk>/edit/", views.question_edit, name="question_edit"),
    path("<int:pk>/questions/<int:question_pk>/delete/", views.question_delete, name="question_delete"),
    path("<int:pk>/questions/<int:question_pk>/move/", views.question_move, name="question_move"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/copy/", views.survey_copy, name="copy"),
    path("<int:pk>/status/", views.survey_status, name="status"),
    path("<int:pk>/distribute/", views.distribute, name="distribute"),
    path("<int:pk>/qr.<str:fmt>", views.survey_qr, name="qr"),
    path("<int:pk>/poster.pdf", views.survey_poster, name="poster"),
    path("<int:pk>/tokens/issue/", views.tokens_issue, name="tokens_issue"),
    path("<int:pk>/tokens.xlsx", views.tokens_export, name="tokens_export"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/bursts/", views.bursts, name="bursts"),
    path("<int:pk>/bursts/exclude/", views.burst_exclude, name="burst_exclude"),
    path("<int:pk>/bursts/<int:exclusion_pk>/include/", views.burst_include, name="burst_include"),
    path("<int:pk>/responses.xlsx", views.export_raw, name="export_raw"),
    path("<int:pk>/summary.xlsx", views.export_summary, name="export_summary"),
    path("<int:pk>/answers/<int:answer_pk>/to-feedback/", views.answer_to_feedback, name="answer_to_feedback"),
]
