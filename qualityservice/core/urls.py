from django.urls import path

from . import indicator_views, views

app_name = "core"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("indicators/", indicator_views.indicator_list, name="indicators"),
    path("indicators/export/", indicator_views.indicator_export, name="indicators_export"),
]
