from __future__ import annotations

from django import forms

from qualityservice.core.forms import BootstrapFormMixin
from qualityservice.core.permissions import department_scope
from qualityservice.core.submissions import SubmissionKeyFormMixin
from qualityservice.org.models import Department

from .models import Nomination


class NominationForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.ModelForm):
    """Create and edit an nomination. The hidden submission key makes a double-submitted "new" form create one nomination
    (``services.create_nomination``); the departments offered are the user's own (supervisors: every centre)."""

    class Meta:
        model = Nomination
        fields = ["department", "title", "title_en"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.centres().visible_to(user)
        scope = department_scope(user)
        if self.instance.pk is None and scope and len(scope) == 1:
            self.initial.setdefault("department", next(iter(scope)))
