from django.http import HttpResponse


def page(request, code=""):
    return HttpResponse(f"{request.resolver_match.view_name} {code}")
