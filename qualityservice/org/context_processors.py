from .models import SiteSettings


def site(request):
    """The platform's site settings. ``site`` for app templates; the base templates read ``qs_site``
    because Django's auth views (sign-in, password pages) put their own ``site`` (a RequestSite)
    into the context, which would blank the header and footer there."""
    settings = SiteSettings.load()
    return {"site": settings, "qs_site": settings}
