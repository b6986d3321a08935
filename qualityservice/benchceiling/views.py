from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
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
