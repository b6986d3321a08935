"""A public form whose POST fails the CSRF check comes back with what was typed, instead of Django's CSRF page.

Some in-app browsers (WeChat's among them) drop cookies, so a visitor who spent five minutes typing a complaint
sends a POST without the CSRF cookie. ``settings.CSRF_FAILURE_VIEW`` is :func:`csrf_failure`: when the URL's view
is marked with :func:`keeps_typed_input`, it calls that view again in *retry mode* — the same request, its
POST data, ``is_retry(request)`` true — and the view renders its form bound to what was posted, **saving
nothing**. The page carries a fresh CSRF token (and sets a new cookie), and a message above the form says why
it came back; the visitor presses Send again. Keep the form's submission key (``core.submissions``) in the
re-rendered form: the second send then creates the record once, whatever happens. Any other CSRF failure gets
the platform's translated 403 page (``core/error.html``)::

    @csrf.keeps_typed_input
    def feedback_new(request):
        if request.method == "POST":
            form = PublicFeedbackForm(request.POST, request.FILES)
            if form.is_valid() and not csrf.is_retry(request):
                ...save, redirect...
            return render(request, "feedback/public_form.html", {"form": form}, status=400)

Files chosen in the form cannot be given back to the browser: the message asks to choose them again.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

RETRY_ATTRIBUTE = "qs_csrf_retry"


def keeps_typed_input(view):
    """Mark a public form view: after a CSRF failure it is called again in retry mode (see the module)."""
    setattr(view, RETRY_ATTRIBUTE, True)
    return view


def is_retry(request: HttpRequest) -> bool:
    """True while a marked view renders a refused POST again: render the form bound to it, save nothing."""
    return getattr(request, RETRY_ATTRIBUTE, False)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: the form again with what was typed (a marked view), else the translated 403 page."""
    if request.method == "POST":
        try:
            match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            match = None
        if match is not None and getattr(match.func, RETRY_ATTRIBUTE, False):
            setattr(request, RETRY_ATTRIBUTE, True)
            messages.warning(request, _(
                "Your form was not sent: the page had expired or your browser did not keep its security cookie. What you "
                "typed is still below — check it and send it again (photos must be chosen again)."))
            response = match.func(request, *match.args, **match.kwargs)
            response.status_code = 403
            return response
    from .views import error_page

    return error_page(request, 403, _("This form could not be sent"), _(
        "For your security the platform accepts a form only together with the cookie of the page it came from, and your "
        "browser did not send it (the page had been open a long time, or the browser blocks cookies). Go back, reload the "
        "page and send the form again."))
