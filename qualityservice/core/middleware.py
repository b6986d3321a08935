"""Pages with personal data are never stored by a browser or a shared cache."""

from django.conf import settings
from django.utils.cache import patch_cache_control


class PrivatePagesMiddleware:
    """Every response under ``QS_PRIVATE_PATH_PREFIXES`` (the staff pages, the account pages and the
    admin) gets ``Cache-Control: private, no-store`` — whatever the view — so that no page, export or
    download with names, phone numbers or complaints is kept on a shared computer's disk or by a proxy.
    A middleware rather than a decorator per view: a new staff view cannot forget it."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(settings.QS_PRIVATE_PATH_PREFIXES)

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(self.prefixes):
            patch_cache_control(response, private=True, no_store=True)
        return response
