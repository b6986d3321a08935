"""Staff pages, under ``staff/events/`` (namespace ``events``: ``reverse("events:list")``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_edit, name="new"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/edit/", views.event_edit, name="edit"),
    path("<int:pk>/move/", views.event_move, name="move"),
    path("<int:event_pk>/sessions/new/", views.session_edit, name="session_new"),
    path("<int:pk>/invitations/", views.invitations, name="invitations"),
    path("<int:pk>/invitations/remind/", views.invitations_remind, name="invitations_remind"),
    path("<int:pk>/minutes/", views.minutes, name="minutes"),
    path("<int:pk>/minutes/final/", views.minutes_finalise, name="minutes_finalise"),
    path("<int:pk>/opinions/", views.opinions, name="opinions"),
    path("<int:pk>/export/<str:kind>.xlsx", views.export, name="export"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/move/", views.session_move, name="session_move"),
    path("sessions/<int:pk>/registrations/", views.registrations, name="registrations"),
    path("sessions/<int:pk>/reorder/", views.reorder, name="reorder"),
    path("sessions/<int:session_pk>/allocations/new/", views.allocation_edit, name="allocation_new"),
    path("allocations/<int:pk>/edit/", views.allocation_edit, name="allocation_edit"),
    path("registrations/<int:pk>/move/", views.registration_move, name="registration_move"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("sessions/<int:pk>/checkin/", views.checkin, name="checkin"),
    path("sessions/<int:pk>/checkin/sw.js", views.checkin_sw, name="checkin_sw"),
    path("sessions/<int:pk>/checkin/list.json", views.checkin_list, name="checkin_list"),
    path("sessions/<int:pk>/checkin/upload/", views.checkin_upload, name="checkin_upload"),
    path("sessions/<int:pk>/checkin/log/", views.checkin_log, name="checkin_log"),
    path("cohosts/", views.cohost_list, name="cohosts"),
    path("cohosts/new/", views.cohost_edit, name="cohost_new"),
    path("cohosts/<int:pk>/edit/", views.cohost_edit, name="cohost_edit"),
]
