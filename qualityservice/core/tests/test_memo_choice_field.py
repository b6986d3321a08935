"""core.forms.MemoModelChoiceField: a public form's choice checked against an immutable per-process memo —
no query per POST, and each form gets its own instance (a change to it never reaches the next request)."""

from django import forms

from qualityservice.core.forms import MemoModelChoiceField
from qualityservice.org.models import Place


class PlaceForm(forms.Form):
    place = MemoModelChoiceField(queryset=Place.objects.filter(is_active=True).select_related("department"),
                                 memo_name="test.places", required=False)


def test_it_gives_each_form_its_own_instance_with_the_selected_relations_and_no_query(org, django_assert_num_queries):
    assert PlaceForm({"place": org.canteen.pk}).is_valid()  # builds the memo
    with django_assert_num_queries(0):
        first, second = PlaceForm({"place": org.canteen.pk}), PlaceForm({"place": str(org.canteen.pk)})
        assert first.is_valid() and second.is_valid()
        a, b = first.cleaned_data["place"], second.cleaned_data["place"]
        assert a == b == org.canteen and a is not b
        assert a.department.name == org.yinshi.name  # selected with it: no query
    a.name = "被改了"
    a.department.name = "也被改了"
    third = PlaceForm({"place": org.canteen.pk})
    assert third.is_valid() and third.cleaned_data["place"].name == "第一餐厅"
    assert third.cleaned_data["place"].department.name == org.yinshi.name


def test_it_refuses_an_unknown_or_inactive_choice(org):
    form = PlaceForm({"place": "999999"})
    assert not form.is_valid() and form.errors["place"]
    assert not PlaceForm({"place": "abc"}).is_valid()


def test_it_renders_its_options_from_the_memo_without_a_query(org, django_assert_num_queries):
    PlaceForm({"place": org.canteen.pk}).is_valid()  # builds the memo
    places = list(Place.objects.filter(is_active=True).select_related("department"))
    with django_assert_num_queries(0):
        html = str(PlaceForm(initial={"place": org.canteen.pk})["place"])
    assert html.count("<option") == len(places) + 1 and '<option value="">---------</option>' in html
    assert f'<option value="{org.canteen.pk}" selected>{org.canteen}</option>' in html
    assert [f'value="{p.pk}"' in html for p in places] == [True] * len(places)


def test_it_answers_a_wrong_choice_as_a_model_choice_field_does(org):
    form = PlaceForm({"place": "999999"})
    assert not form.is_valid()
    assert form.errors["place"] == [str(forms.ModelChoiceField.default_error_messages["invalid_choice"])]


def test_it_gives_each_form_its_own_field_and_widget(org):
    first, second = PlaceForm(), PlaceForm()
    first.fields["place"].widget.attrs["class"] = "changed"
    first.fields["place"].initial = org.canteen.pk
    assert "class" not in second.fields["place"].widget.attrs and second.fields["place"].initial is None
    assert PlaceForm.base_fields["place"].widget.attrs == {}
    assert first.fields["place"].choices and first.fields["place"].widget.choices
