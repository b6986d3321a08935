from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.utils.html import escape
from django.views.decorators.http import require_http_methods

from .models import CeilingRow


@require_http_methods(["GET", "POST"])
def ceiling(request):
    if request.method == "POST":
        row = CeilingRow.objects.create(payload=request.POST.get("payload", "")[:200])
        return HttpResponseRedirect(f"/_bench/ceiling/?ticket={row.pk}")
    token = get_token(request)
    return HttpResponse(
        f'<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
        '<input name="payload"></form>'
    )


@require_http_methods(["GET", "POST"])
def signed_in_ceiling(request):
    """The least a page for a signed-in person can do in this project: the session and the account read (by the
    project's middleware and ``request.user``), a form naming the person, one INSERT per POST. The floor of every
    signed-in flow (a registration, a ballot): what they do beyond it is their own work."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method == "POST":
        row = CeilingRow.objects.create(payload=f"{request.user.pk}:{request.POST.get('payload', '')}"[:200])
        return HttpResponseRedirect(f"/_bench/ceiling/signed-in/?ticket={row.pk}")
    token = get_token(request)
    return HttpResponse(
        f'<p>{escape(request.user.get_username())}</p><form method="post">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}"><input name="payload"></form>'
    )
