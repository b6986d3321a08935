from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import pgettext, pgettext_lazy

from qualityservice.core.forms import BootstrapFormMixin
from qualityservice.core.submissions import SubmissionKeyFormMixin
from qualityservice.org.models import Department, Staff

from .models import Article, Bulletin, article_scope


class ArticleForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.ModelForm):
    """Create and edit an article. The hidden submission key makes a double-submitted "new" form create one
    article; the departments offered are the user's own (appointed editors: where they are appointed)."""

    cover_upload = forms.ImageField(label=pgettext_lazy("article", "cover image"), required=False)

    class Meta:
        model = Article
        fields = ["department", "title", "title_en", "summary", "body", "tags", "links", "typical", "people"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12}), "links": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = article_scope(user)  # a head's own department and appointments; an editor's appointments
        departments = Department.objects.centres() if scope is None else Department.objects.filter(pk__in=scope)
        self.fields["department"].queryset = departments
        # The people behind a typical example: employed staff of the departments the user writes for.
        self.fields["people"].queryset = (Staff.objects.filter(is_active=True, department__in=departments)
                                          .select_related("department").order_by("department__sort_order", "name"))
        # The article form's script uploads an image while writing and inserts it here (news/js/article_form.js).
        self.fields["body"].widget.attrs.update({
            "data-image-upload-url": reverse("news:image_upload"),
            "data-image-label": pgettext("article", "Insert an image"),
            "data-image-busy": pgettext("article", "Uploading the image…"),
            "data-image-done": pgettext("article", "Image inserted into the body."),
            "data-image-failed": pgettext("article", "The image could not be uploaded."),
        })
        if self.instance.pk is None and departments.count() == 1:
            self.initial.setdefault("department", departments.first().pk)


class BodyImageForm(forms.Form):
    """The image an editor inserts into the body (checked again and re-encoded by ``core.images``)."""

    image = forms.FileField(label=pgettext_lazy("article", "image"))
    alt = forms.CharField(label=pgettext_lazy("article", "description of the image"), max_length=120, required=False)


class MoveForm(forms.Form):
    action = forms.CharField(max_length=30)
    note = forms.CharField(label=pgettext_lazy("article", "comment"), max_length=1000, required=False)
    publish_at = forms.DateTimeField(label=pgettext_lazy("article", "publish at"), required=False,
                                     input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])


class ApprovalForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("article", "your name"), max_length=60)


class BulletinForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Bulletin
        fields = ["title", "year", "month", "unit", "report_to", "copy_to", "sections"]
        widgets = {"sections": forms.Textarea(attrs={"rows": 10})}

    def clean_month(self):
        month = self.cleaned_data["month"]
        if not 1 <= month <= 12:
            raise forms.ValidationError(pgettext_lazy("bulletin", "A month is 1 to 12."))
        return month


class BulletinArticleForm(SubmissionKeyFormMixin, BootstrapFormMixin, forms.Form):
    """Pick one published article into a section of a draft issue (``bulletins.add_article`` checks the rest)."""

    article = forms.IntegerField(widget=forms.HiddenInput)
    section = forms.CharField(label=pgettext_lazy("bulletin", "section"), max_length=120,
                              help_text=pgettext_lazy("bulletin", "The heading the article appears under, e.g. 工作动态."))
