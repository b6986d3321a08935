"""Roles of product.md. The role is stored on the staff profile (org.Staff.role)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("Staff")
    HEAD = "head", _("Department head")
    OPERATOR = "operator", _("Hotline operator")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMIN = "admin", _("Administrator")
    JUDGE = "judge", _("Judge")


# Roles whose department scope is the whole group.
GROUP_WIDE_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})
