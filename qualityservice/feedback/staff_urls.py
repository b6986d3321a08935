"""Feedback's staff pages, under ``staff/feedback/``."""

from django.urls import path

from . import mail_views, views

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("export.xlsx", views.export, name="export"),
    path("bulk-assign/", views.bulk_assign, name="bulk_assign"),
    path("hotline/", views.hotline, name="hotline"),
    path("hotline/staff/", views.staff_suggestions, name="staff_suggestions"),
    path("callbacks/", views.callbacks, name="callbacks"),
    path("mailbox/", mail_views.mailbox, name="mailbox"),
    path("mailbox/<int:pk>/reviewed/", mail_views.mail_reviewed, name="mail_reviewed"),
    path("figures/<int:department_id>/", views.department_figures, name="department_figures"),
    path("<int:pk>/", views.detail, name="detail"),
    path("c/<str:code>/", views.detail_by_code, name="detail_by_code"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("<int:pk>/act/", views.act, name="act"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/callback/", views.callback, name="callback"),
    path("<int:pk>/transfer/", views.transfer, name="transfer"),
    path("<int:pk>/transfer/request/", views.request_transfer, name="request_transfer"),
    path("<int:pk>/transfer/decide/", views.decide_transfer, name="decide_transfer"),
    path("<int:pk>/merge/", views.merge, name="merge"),
]
