from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    # Public (the code in the URL is unguessable)
    path("surveys/", views.public_list, name="public_list"),
    path("s/<str:code>/", views.start, name="start"),
    path("s/<str:code>/save/", views.save_answer, name="save"),
    path("s/<str:code>/submit/", views.submit, name="submit"),
    path("s/<str:code>/thanks/", views.thanks, name="thanks"),
    # Staff
    path("staff/surveys/", views.survey_list, name="list"),
    path("staff/surveys/new/", views.survey_edit, name="new"),
    path("staff/surveys/index/", views.index_overview, name="index"),
    path("staff/surveys/index/<int:pk>/", views.index_department, name="index_department"),
    path("staff/surveys/<int:pk>/", views.builder, name="builder"),
    path("staff/surveys/<int:pk>/edit/", views.survey_edit, name="edit"),
    path("staff/surveys/<int:pk>/sections/add/", views.section_add, name="section_add"),
    path("staff/surveys/<int:pk>/sections/<int:section_pk>/edit/", views.section_edit, name="section_edit"),
    path("staff/surveys/<int:pk>/sections/<int:section_pk>/delete/", views.section_delete, name="section_delete"),
    path("staff/surveys/<int:pk>/questions/new/", views.question_edit, name="question_new"),
    path("staff/surveys/<int:pk>/questions/<int:question_pk>/edit/", views.question_edit, name="question_edit"),
    path("staff/surveys/<int:pk>/questions/<int:question_pk>/delete/", views.question_delete, name="question_delete"),
    path("staff/surveys/<int:pk>/questions/<int:question_pk>/move/", views.question_move, name="question_move"),
    path("staff/surveys/<int:pk>/preview/", views.preview, name="preview"),
    path("staff/surveys/<int:pk>/copy/", views.survey_copy, name="copy"),
    path("staff/surveys/<int:pk>/status/", views.survey_status, name="status"),
    path("staff/surveys/<int:pk>/distribute/", views.distribute, name="distribute"),
    path("staff/surveys/<int:pk>/qr.<str:fmt>", views.survey_qr, name="qr"),
    path("staff/surveys/<int:pk>/poster.pdf", views.survey_poster, name="poster"),
    path("staff/surveys/<int:pk>/tokens/issue/", views.tokens_issue, name="tokens_issue"),
    path("staff/surveys/<int:pk>/tokens.xlsx", views.tokens_export, name="tokens_export"),
    path("staff/surveys/<int:pk>/results/", views.results, name="results"),
    path("staff/surveys/<int:pk>/bursts/", views.bursts, name="bursts"),
    path("staff/surveys/<int:pk>/bursts/exclude/", views.burst_exclude, name="burst_exclude"),
    path("staff/surveys/<int:pk>/bursts/<int:exclusion_pk>/include/", views.burst_include, name="burst_include"),
    path("staff/surveys/<int:pk>/responses.xlsx", views.export_raw, name="export_raw"),
    path("staff/surveys/<int:pk>/summary.xlsx", views.export_summary, name="export_summary"),
    path("staff/surveys/<int:pk>/answers/<int:answer_pk>/to-feedback/", views.answer_to_feedback, name="answer_to_feedback"),
]
