from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Sign-in, sign-out, password change and reset (Django's auth views, the platform's templates).
    path("accounts/", include("qualityservice.core.auth_urls")),
    path("staff/", include("qualityservice.core.urls")),
    # Each app owns its paths: public ones at the root, staff ones under staff/<app>/.
    path("", include("qualityservice.feedback.urls")),
    path("", include("qualityservice.inspections.urls")),
    path("", include("qualityservice.surveys.urls")),
    path("", include("qualityservice.org.urls")),
]

if settings.QS_BENCH_CEILING:
    urlpatterns.insert(0, path("", include("qualityservice.benchceiling.urls")))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
