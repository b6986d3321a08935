from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from . import ratelimit, todos
from .forms import LoginForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm
from .permissions import user_role
from .roles import Role


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    """The staff home: each role's to-dos from every app (``core.todos``: counts and links), then the tiles of
    the navigation."""
    role = user_role(request.user)
    return render(request, "core/workbench.html", {"todos": todos.for_user(request.user), "is_judge": role == Role.JUDGE})


# --- Error pages (config/urls.py handler404/403/500; core.csrf for CSRF failures) --------------------


def error_page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    """The translated error page in the staff layout for a signed-in staff member under ``/staff/``, else in
    the public one."""
    staff = request.path.startswith("/staff/") and user_role(getattr(request, "user", None)) is not None
    return render(request, "core/error.html", {
        "base": "core/base_staff.html" if staff else "core/base_public.html", "status": status, "title": title, "message": message,
    }, status=status)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    # Also what a row outside the user's scope answers (core.permissions): it says nothing about the row.
    return error_page(request, 404, pgettext("error page", "Page not found"), _(
        "There is no page at this address, or it is not open to you. Check the address, or start again from the home page."))


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return error_page(request, 403, _("Not allowed"), _("You may not open this page or do this. If you think you should, ask "
                                                       "your department head or the administrator."))


def server_error(request: HttpRequest) -> HttpResponse:
    """A standalone page (core/500.html) that reads nothing from the database: the error may be the database's."""
    from django.template import loader

    return HttpResponse(loader.get_template("core/500.html").render({}), status=500)


# --- Accounts: Django's auth views with the platform's templates --------------------------


class SignInView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LoginForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.throttled:
            response.status_code = 429
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Any signed-in user: the current password, then the new one twice (the password validators apply)."""

    template_name = "core/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "core/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    """A one-time link by e-mail to the accounts with this address. The next page says the same whether
    an account has it or not (nothing to learn about who has an account); at most
    ``QS_PASSWORD_RESET_RATE_PER_IP`` requests per client address, so nobody floods a mailbox."""

    template_name = "core/password_reset.html"
    form_class = PasswordResetForm
    email_template_name = "core/password_reset_email.txt"
    subject_template_name = "core/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        if ratelimit.hit([("password-reset-ip", ratelimit.client_ip(self.request), settings.QS_PASSWORD_RESET_RATE_PER_IP)]):
            form.add_error(None, _("Too many password reset requests from your network. Please try again later."))
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        # The link starts with the public address (SITE_URL), as every other link the platform mails.
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "core/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "core/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "core/password_reset_complete.html"
