"""core.i18n: the one rule for names kept in Chinese and English, used by every model that has them."""

from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.utils import translation

from qualityservice.core.i18n import LocalisedNameMixin, localised


def test_it_shows_the_english_name_only_in_english_and_only_when_there_is_one():
    place = SimpleNamespace(name="第一餐厅", name_en="Canteen No. 1")
    unnamed = SimpleNamespace(name="第二餐厅", name_en="")
    with translation.override("en"):
        assert localised(place, "name") == "Canteen No. 1"
        assert localised(unnamed, "name") == "第二餐厅"
    with translation.override("zh-hans"):
        assert localised(place, "name") == "第一餐厅"


def test_it_gives_a_display_name_through_the_mixin():
    class Thing(LocalisedNameMixin):
        name, name_en = "后勤集团", "Logistics Group"

    with translation.override("en"):
        assert Thing().display_name == "Logistics Group"
    with translation.override("zh-hans"):
        assert Thing().display_name == "后勤集团"


def test_it_gives_the_models_their_localised_names(org):
    from qualityservice.feedback.models import Category
    from qualityservice.org.models import Commitment, SiteSettings

    category = Category(name="餐饮", name_en="Catering")
    site = SiteSettings(organisation_name="后勤集团", organisation_name_en="OUC Logistics")
    commitment = Commitment(title="热水24小时", title_en="Hot water 24 h")
    with translation.override("en"):
        assert (str(category), site.display_name, commitment.display_title, org.canteen.display_name) == (
            "Catering", "OUC Logistics", "Hot water 24 h", org.canteen.name_en or org.canteen.name)
    with translation.override("zh-hans"):
        assert (str(category), site.display_name, commitment.display_title) == ("餐饮", "后勤集团", "热水24小时")


def test_it_finds_no_model_writing_the_rule_again():
    root = Path(settings.BASE_DIR) / "qualityservice"
    copies = [str(p.relative_to(root)) for p in root.rglob("*.py")
              if "tests" not in p.parts and p.name != "i18n.py" and 'startswith("en")' in p.read_text(encoding="utf-8")]
    assert copies == []


def test_it_gives_templates_the_rule_as_a_filter_for_objects_and_for_values_rows():
    from django.template import Context, Template

    template = Template('{% load qs_tags %}{{ place|localised }}|{{ phrase|localised:"text" }}|'
                        '{{ row|localised:"department__name" }}|{{ nothing|localised }}')
    context = Context({"place": SimpleNamespace(name="第一餐厅", name_en="Canteen No. 1"),
                       "phrase": SimpleNamespace(text="您好！", text_en="Hello!"),
                       "row": {"department__name": "物业管理中心", "department__name_en": "Property Centre"},
                       "nothing": None})
    with translation.override("en"):
        assert template.render(context) == "Canteen No. 1|Hello!|Property Centre|"
    with translation.override("zh-hans"):
        assert template.render(context) == "第一餐厅|您好！|物业管理中心|"


def test_it_gives_the_admin_a_list_column_in_the_readers_language_sorted_by_the_field():
    from qualityservice.core.i18n import admin_column

    column = admin_column("name", "name")
    place = SimpleNamespace(name="第一餐厅", name_en="Canteen No. 1")
    assert (column.short_description, column.admin_order_field) == ("name", "name")
    with translation.override("en"):
        assert column(place) == "Canteen No. 1"
    with translation.override("zh-hans"):
        assert column(place) == "第一餐厅"


def test_it_names_every_reference_model_in_the_readers_language_in_form_choices(org):
    from django import forms

    from qualityservice.members.models import College
    from qualityservice.org.models import ServicePhrase

    college = College.objects.create(name="海洋与大气学院", name_en="College of Oceanic and Atmospheric Sciences")
    phrase = ServicePhrase.objects.create(kind="courteous", text="请慢走", text_en="Take care", situation="告别",
                                          situation_en="Farewell")
    field = forms.ModelChoiceField(queryset=College.objects.all())
    with translation.override("en"):
        assert [label for _v, label in field.choices][1:] == ["College of Oceanic and Atmospheric Sciences"]
        assert (str(phrase), phrase.display_situation, str(org.yinshi)) == ("Take care", "Farewell", "Catering Centre")
    with translation.override("zh-hans"):
        assert [label for _v, label in field.choices][1:] == ["海洋与大气学院"]
        assert (str(phrase), phrase.display_situation, str(college)) == ("请慢走", "告别", "海洋与大气学院")
