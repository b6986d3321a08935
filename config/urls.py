import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # members: sign-in through the campus identity service (CAS; also its single sign-out callback), and the
    # sign-out of every account — before the accounts/ include, whose plain logout it replaces: it ends the CAS
    # session too when the session came from CAS.
    path("accounts/", include("qualityservice.members.cas_urls")),
    # Sign-in, sign-out, password change and reset (Django's auth views, the platform's templates).
    path("accounts/", include("qualityservice.core.auth_urls")),
    path("staff/", include("qualityservice.core.urls")),
    path("members/", include("qualityservice.members.urls")),  # members: my page, member sign-in, roster
    # Each app owns its paths: public ones at the root, staff ones under staff/<app>/.
    path("", include("qualityservice.feedback.urls")),
    path("", include("qualityservice.inspections.urls")),
    path("", include("qualityservice.surveys.urls")),
    path("", include("qualityservice.org.urls")),
]

if settings.QS_BENCH_CEILING:
    urlpatterns.insert(0, path("", include("qualityservice.benchceiling.urls")))

if settings.MEDIA_URL.startswith("/"):
    # Development: the public media folders only (the view answers 404 unless DEBUG is on); private
    # uploads are served by the apps' scoped views in every mode. Production: nginx (deploy/).
    from qualityservice.core.media import public_media

    media_prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    urlpatterns.append(re_path(rf"^{media_prefix}(?P<path>.*)$", public_media))
