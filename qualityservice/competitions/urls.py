"""Public pages, under ``competitions/`` (the config's ``url_prefix``). They carry an unguessable code, never an
id: the results page by the competition's code; a judge's private scoring link by the appointment's code and
each sheet's own code."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.public_index, name="public_index"),
    path("j/<str:code>/", views.link_home, name="link"),
    path("j/<str:code>/<str:sheet_code>/", views.link_sheet, name="link_sheet"),
    path("j/<str:code>/<str:sheet_code>/save/", views.link_save, name="link_save"),
    path("j/<str:code>/<str:sheet_code>/submit/", views.link_submit, name="link_submit"),
    path("j/<str:code>/<str:sheet_code>/correct/", views.link_correct, name="link_correct"),
    path("<str:code>/", views.public_results, name="public"),
    path("<str:code>/rounds/<int:number>/objection/", views.public_objection, name="public_objection"),
]
