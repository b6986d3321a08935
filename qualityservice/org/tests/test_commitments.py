"""Service commitments (服务承诺): measurable ones carry a kind of request and a deadline, one per
kind and department; later apps read them through ``Commitment.deadline_for``."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from qualityservice.org.forms import CommitmentForm
from qualityservice.org.models import Commitment, RequestKind


def form_data(org, **overrides):
    data = {"department": org.wuye.pk, "title": "咨询当场答复", "title_en": "", "details": "", "sort_order": 10,
            "is_published": "on"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_it_requires_a_kind_and_a_deadline_for_a_measurable_commitment(org):
    form = CommitmentForm(form_data(org, is_measurable="on"), user=org.head_wuye)
    assert not form.is_valid()
    assert form.errors["request_kind"] == ["可考核的承诺须指明适用的诉求类型。"]
    assert form.errors["deadline_value"] == ["可考核的承诺须设定大于零的时限。"]
    assert form.errors["deadline_unit"] == ["请选择时限单位。"]


def test_it_refuses_a_zero_deadline(org):
    form = CommitmentForm(
        form_data(org, is_measurable="on", request_kind="enquiry", deadline_value=0, deadline_unit="minutes"),
        user=org.head_wuye,
    )
    assert not form.is_valid()
    assert "deadline_value" in form.errors


def test_it_allows_one_measurable_commitment_per_kind_and_department(org):
    data = form_data(org, is_measurable="on", request_kind="repair", deadline_value=20, deadline_unit="minutes")
    form = CommitmentForm(data, user=org.head_wuye)
    assert not form.is_valid()
    assert form.errors["request_kind"] == ["该部门已有针对此类诉求的可考核承诺。"]
    # Another department may promise the same kind.
    data["department"] = org.yinshi.pk
    assert CommitmentForm(data, user=org.supervisor).is_valid()


def test_it_lets_the_existing_measurable_commitment_be_edited(org):
    repair = Commitment.objects.get(department=org.wuye, request_kind="repair")
    data = form_data(org, title="报修20分钟内响应", is_measurable="on", request_kind="repair", deadline_value=20,
                     deadline_unit="minutes")
    form = CommitmentForm(data, instance=repair, user=org.head_wuye)
    assert form.is_valid(), form.errors
    form.save()
    assert Commitment.deadline_for(org.wuye.pk, "repair").deadline_minutes == 20


def test_it_enforces_one_deadline_per_kind_in_the_database(org):
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.create(department=org.wuye, title="重复", is_measurable=True, request_kind="repair",
                                  deadline_value=1, deadline_unit="minutes")
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.create(department=org.wuye, title="无时限", is_measurable=True, request_kind="praise")


def test_it_clears_kind_and_deadline_of_a_commitment_that_is_not_measurable(org):
    data = form_data(org, request_kind="complaint", deadline_value=5, deadline_unit="hours")
    form = CommitmentForm(data, user=org.head_wuye)
    assert form.is_valid(), form.errors
    saved = form.save()
    assert (saved.request_kind, saved.deadline_value, saved.deadline_unit) == ("", None, "")
    assert saved.deadline_minutes is None


def test_it_finds_the_deadline_of_a_department_for_a_kind_of_request(org):
    repair = Commitment.deadline_for(org.wuye.pk, RequestKind.REPAIR)
    assert repair.title == "报修30分钟内响应"
    assert (repair.deadline_minutes, repair.counts_working_time) == (30, False)
    complaint = Commitment.deadline_for(org.wuye.pk, "complaint")
    assert (complaint.deadline_minutes, complaint.counts_working_time) == (24 * 60, True)
    assert Commitment.deadline_for(org.wuye.pk, "enquiry") is None
    assert Commitment.deadline_for(org.yinshi.pk, "repair") is None


def test_it_counts_round_the_clock_hours_in_minutes(org):
    c = Commitment.objects.create(department=org.yinshi, title="投诉12小时内答复", is_measurable=True,
                                  request_kind="complaint", deadline_value=12, deadline_unit="hours")
    assert (c.deadline_minutes, c.counts_working_time) == (720, False)


def test_it_lets_a_head_create_a_commitment_for_the_own_department(client, org):
    client.force_login(org.head_yinshi)
    page = client.get(reverse("org:commitment_new")).content.decode()
    assert 'data-once' in page
    assert f'<option value="{org.yinshi.pk}" selected>' in page
    response = client.post(reverse("org:commitment_new"), form_data(
        org, department=org.yinshi.pk, title="就餐投诉2个工作小时内处理", is_measurable="on", request_kind="complaint",
        deadline_value=2, deadline_unit="working_hours"))
    assert response.status_code == 302
    created = Commitment.deadline_for(org.yinshi.pk, "complaint")
    assert created.title == "就餐投诉2个工作小时内处理"
    assert created.history.first().history_user == org.head_yinshi
    html = client.get(reverse("org:commitment_list")).content.decode()
    assert "承诺已保存。" in html and "投诉 ≤ 2 个工作小时" in html


def test_it_shows_form_errors_in_chinese_on_the_page(client, org):
    client.force_login(org.head_wuye)
    response = client.post(reverse("org:commitment_new"), form_data(org, is_measurable="on"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "可考核的承诺须指明适用的诉求类型。" in html and "请选择时限单位。" in html


def test_it_publishes_only_published_commitments_by_department(client, org):
    Commitment.objects.create(department=org.yinshi, title="内部草稿承诺", is_published=False)
    html = client.get(reverse("org:public_commitments")).content.decode()
    assert "报修30分钟内响应" in html and "饭菜明码标价" in html
    assert "内部草稿承诺" not in html
    assert html.index("物业管理中心") < html.index("报修30分钟内响应")
    assert "报修 · 30 分钟" in html
    # The department page shows drafts to its managers, marked as such.
    client.force_login(org.head_yinshi)
    html = client.get(reverse("org:department_detail", args=[org.yinshi.pk])).content.decode()
    assert "内部草稿承诺" in html and "未公开" in html


def test_it_shows_commitments_in_english_when_translated(client, org):
    Commitment.objects.filter(title="饭菜明码标价").update(title_en="Clearly priced meals")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(reverse("org:public_commitments")).content.decode()
    assert "Clearly priced meals" in html and "Catering Centre" in html
    assert "报修30分钟内响应" in html  # no English title: the Chinese one stays


def test_it_creates_one_commitment_when_the_form_is_submitted_twice(client, org):
    client.force_login(org.head_yinshi)
    data = form_data(org, department=org.yinshi.pk, title="餐具每餐消毒")
    assert client.post(reverse("org:commitment_new"), data).status_code == 302
    second = client.post(reverse("org:commitment_new"), data)
    assert second.status_code == 200  # the form explains instead of adding a copy
    assert "本部门已有这条承诺。" in second.content.decode()
    assert Commitment.objects.filter(department=org.yinshi, title="餐具每餐消毒").count() == 1


def test_it_keeps_one_commitment_when_a_concurrent_double_submit_reaches_the_database(client, org, monkeypatch):
    """The constraint keeps one row and the second request lands on the list with a calm message."""
    client.force_login(org.head_yinshi)
    data = form_data(org, department=org.yinshi.pk, title="餐具每餐消毒")
    # Both requests passed validation before either saved: switch the checks off to reach the database.
    monkeypatch.setattr(Commitment, "clean", lambda self: None)
    monkeypatch.setattr(Commitment, "validate_constraints", lambda self, exclude=None: None)
    monkeypatch.setattr(CommitmentForm, "validate_unique", lambda self: None)
    assert client.post(reverse("org:commitment_new"), data).status_code == 302
    response = client.post(reverse("org:commitment_new"), data, follow=True)
    assert "这条承诺已经保存过了。" in response.content.decode()
    assert Commitment.objects.filter(department=org.yinshi, title="餐具每餐消毒").count() == 1
