"""The site's URLs: the platform's own (admin, language, sign-in, the staff workbench), then every installed
platform app's, each included once by core.registry (its short QR-code URLs at the root, its public pages
under its ``url_prefix``, its staff pages under ``staff/<app>/``). Adding an app adds nothing here."""

import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from qualityservice.core import certificates, registry

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
    # Printed in every certificate's QR code (core.certificates): whether the certificate is genuine.
    path("c/<str:serial>/", certificates.verification_page, name="certificate_verify"),
    *registry.urlpatterns(),
]

if settings.MEDIA_URL.startswith("/"):
    # Development: the public media folders only (the view answers 404 unless DEBUG is on); private
    # uploads are served by the apps' scoped views in every mode. Production: nginx (deploy/).
    from qualityservice.core.media import public_media

    media_prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    urlpatterns.append(re_path(rf"^{media_prefix}(?P<path>.*)$", public_media))

# The platform's translated error pages (core/error.html in the public or the staff layout; 500: core/500.html,
# which reads nothing from the database). CSRF failures: settings.CSRF_FAILURE_VIEW (core.csrf).
handler403 = "qualityservice.core.views.permission_denied"
handler404 = "qualityservice.core.views.page_not_found"
handler500 = "qualityservice.core.views.server_error"
