"""Included at ``accounts/`` before core's account URLs (config/urls.py), without a namespace:

- ``cas/login/`` (``cas_login``): sign-in through the campus identity service (CAS), and the CAS
  server's single sign-out callback (a POST to the same service URL);
- ``logout/`` (``logout``): the sign-out of every account, in place of core's plain one (the same
  behaviour, plus the end of the CAS session when the session came from CAS).
"""

from django.urls import path

from . import views

urlpatterns = [
    path("cas/login/", views.CasLoginView.as_view(), name="cas_login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
]
