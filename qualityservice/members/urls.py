"""The member's own pages, at ``members/``. The administrators' member roster is in ``staff_urls.py`` (at
``staff/members/``, private like every staff page)."""

from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "members"
urlpatterns = [
    # The member's own pages (我的)
    path("", views.home, name="home"),
    path("signin/", views.signin, name="signin"),
    path("first-sign-in/", views.activate, name="activate"),
    path("my-data.json", views.data_json, name="data_json"),
    path("my-data.xlsx", views.data_xlsx, name="data_xlsx"),
    path("close/", views.close_account, name="close"),
    # The roster's earlier address (bookmarks): to its place under staff/members/.
    path("staff/", RedirectView.as_view(pattern_name="members:staff_list", permanent=True)),
]
