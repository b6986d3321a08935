from django.urls import path

from . import mail_views, views

app_name = "feedback"
urlpatterns = [
    # Public
    path("feedback/new/", views.feedback_new, name="new"),
    path("feedback/track/", views.track_lookup, name="track_lookup"),
    path("feedback/t/<str:code>/", views.track, name="track"),
    path("feedback/t/<str:code>/rate/<str:token>/", views.rate_handling, name="rate_handling"),
    path("feedback/figures/", views.public_figures, name="public_figures"),
    path("b/<str:code>/rate/", views.badge_rate, name="badge_rate"),
    path("b/<str:code>/rate/thanks/", views.badge_thanks, name="badge_thanks"),
    # Staff
    path("staff/feedback/", views.inbox, name="inbox"),
    path("staff/feedback/export.xlsx", views.export, name="export"),
    path("staff/feedback/bulk-assign/", views.bulk_assign, name="bulk_assign"),
    path("staff/feedback/hotline/", views.hotline, name="hotline"),
    path("staff/feedback/callbacks/", views.callbacks, name="callbacks"),
    path("staff/feedback/mailbox/", mail_views.mailbox, name="mailbox"),
    path("staff/feedback/mailbox/<int:pk>/reviewed/", mail_views.mail_reviewed, name="mail_reviewed"),
    path("staff/feedback/figures/<int:department_id>/", views.department_figures, name="department_figures"),
    path("staff/feedback/<int:pk>/", views.detail, name="detail"),
    path("staff/feedback/c/<str:code>/", views.detail_by_code, name="detail_by_code"),
    path("staff/feedback/attachments/<int:pk>/", views.attachment, name="attachment"),
    path("staff/feedback/<int:pk>/act/", views.act, name="act"),
    path("staff/feedback/<int:pk>/assign/", views.assign, name="assign"),
    path("staff/feedback/<int:pk>/reply/", views.reply, name="reply"),
    path("staff/feedback/<int:pk>/callback/", views.callback, name="callback"),
    path("staff/feedback/<int:pk>/transfer/", views.transfer, name="transfer"),
    path("staff/feedback/<int:pk>/merge/", views.merge, name="merge"),
]
