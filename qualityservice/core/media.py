"""Media by URL, for development only: the public folders (settings.QS_PUBLIC_MEDIA_DIRS, the staff
photos) with DEBUG on, nothing else in any mode. Complaint photos, inspection photos, evidence and
discussion attachments are private: the apps serve them through views that check who asks
(``feedback:attachment``, ``inspections:photo`` / ``evidence`` / ``attachment``). In production nginx
serves the same public folders (deploy/nginx-qualityservice.conf) and answers 404 for the rest."""

from __future__ import annotations

import posixpath

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.static import serve


def is_public(path: str) -> bool:
    """Whether ``path`` (relative to MEDIA_ROOT, as in the URL) lies in a public folder, once ``..`` and
    duplicate slashes are resolved the way ``serve`` resolves them."""
    clean = posixpath.normpath(path.replace("\\", "/")).lstrip("/")
    return any(clean.startswith(folder.strip("/") + "/") for folder in getattr(settings, "QS_PUBLIC_MEDIA_DIRS", ()))


def public_media(request: HttpRequest, path: str) -> HttpResponse:
    """Read at request time (DEBUG, MEDIA_ROOT, the folders), so that settings changed in tests apply."""
    if not settings.DEBUG or not is_public(path):
        raise Http404
    return serve(request, path, document_root=settings.MEDIA_ROOT)
