"""Staff pages, under ``staff/recognition/`` (namespace ``recognition``: ``reverse("recognition:list")``)."""

from django.urls import path

from . import views, views_codes, views_results

urlpatterns = [
    path("", views.nomination_list, name="list"),
    path("new/", views.nomination_edit, name="new"),
    path("<int:pk>/", views.nomination_detail, name="detail"),
    path("<int:pk>/edit/", views.nomination_edit, name="edit"),
    path("<int:pk>/move/", views.nomination_move, name="move"),
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/new/", views.round_edit, name="round_new"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("rounds/<int:pk>/move/", views.round_move, name="round_move"),
    path("rounds/<int:pk>/check/", views.round_check, name="round_check"),
    path("<int:pk>/facts/", views.nomination_facts, name="facts"),
    path("jury/flags/<int:pk>/clear/", views.jury_flag_clear, name="jury_flag_clear"),
    # The jury, results and certificates of a round (views_results.py).
    path("rounds/<int:pk>/jury/", views_results.round_jury, name="round_jury"),
    path("rounds/<int:pk>/jury/criterion/", views_results.round_jury_criterion, name="round_jury_criterion"),
    path("rounds/<int:pk>/jury/rubric/", views_results.round_jury_rubric, name="round_jury_rubric"),
    path("rounds/<int:pk>/jury/appoint/", views_results.round_jury_appoint, name="round_jury_appoint"),
    path("jury/", views_results.my_sheets, name="jury_mine"),
    path("jury/<int:pk>/", views_results.sheet, name="jury_sheet"),
    path("jury/<int:pk>/confirm/", views_results.sheet_confirm, name="jury_sheet_confirm"),
    path("rounds/<int:pk>/results/", views_results.round_results, name="round_results"),
    path("rounds/<int:pk>/certificates/issue/", views_results.round_certificates_issue, name="round_certificates_issue"),
    path("certificates/<int:pk>/pdf/", views_results.certificate_pdf, name="certificate_pdf"),
    path("certificates/<int:pk>/revoke/", views_results.certificate_revoke, name="certificate_revoke"),
    path("certificates/<int:pk>/mine.pdf", views_results.my_certificate_pdf, name="my_certificate_pdf"),
    # Voting codes and fraud signals (views_codes.py).
    path("rounds/<int:pk>/codes/", views_codes.round_codes, name="round_codes"),
    path("rounds/<int:pk>/codes/new/", views_codes.round_codes_new, name="round_codes_new"),
    path("rounds/<int:pk>/void-ballot/", views_codes.round_void_ballot, name="round_void_ballot"),
    path("codes/<int:pk>/print/", views_codes.batch_print, name="batch_print"),
    path("codes/<int:pk>/export/", views_codes.batch_export, name="batch_export"),
    path("codes/<int:pk>/void/", views_codes.batch_void, name="batch_void"),
]
