from django.urls import path

from . import views

urlpatterns = [path("x/<str:code>/", views.page, name="short")]
