"""Public pages, under ``events/`` (the config's ``url_prefix``). They carry an unguessable code, never an id; a
ticket's is signed with the secret key (``models.signed_ticket``)."""

from django.urls import path

from . import public_views as views

urlpatterns = [
    path("", views.public_list, name="public_list"),
    path("s/<str:code>/register/", views.register, name="register"),
    path("s/<str:code>/calendar.ics", views.session_ics, name="session_ics"),
    path("a/<str:code>/", views.allocation_register, name="allocation_register"),
    path("a/<str:code>/list/", views.allocation_list, name="allocation_list"),
    path("i/<str:code>/", views.invitation, name="invitation"),
    path("t/<str:token>/", views.ticket, name="ticket"),
    path("t/<str:token>/action/", views.ticket_action, name="ticket_action"),
    path("t/<str:token>/qr.png", views.ticket_png, name="ticket_png"),
    path("t/<str:token>/calendar.ics", views.ticket_ics, name="ticket_ics"),
    path("t/<str:token>/opinion/", views.ticket_opinion, name="ticket_opinion"),
    path("<str:code>/", views.event_public, name="public"),
]
