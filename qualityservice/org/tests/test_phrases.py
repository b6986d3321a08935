"""Courteous and taboo phrases (文明用语/服务忌语): a maintained list, a public page, and a
finder later apps use to flag feedback that reports taboo language."""

from django.urls import reverse

from qualityservice.org.models import ServicePhrase, find_taboo_phrases


def test_it_finds_taboo_phrases_in_a_text(org):
    ServicePhrase.objects.create(kind=ServicePhrase.Kind.TABOO, text="没看我正忙着吗")
    ServicePhrase.objects.create(kind=ServicePhrase.Kind.TABOO, text="下班了", is_active=False)
    found = find_taboo_phrases("食堂师傅说：不归我管，没看我正忙着吗？下班了。您好！")
    assert sorted(p.text for p in found) == ["不归我管", "没看我正忙着吗"]


def test_it_finds_nothing_in_courteous_or_empty_texts(org):
    assert find_taboo_phrases("您好！请稍等，马上为您处理。") == []
    assert find_taboo_phrases("") == []
    assert find_taboo_phrases(None) == []


def test_it_shows_active_phrases_on_the_public_page(client, org):
    ServicePhrase.objects.create(kind=ServicePhrase.Kind.COURTEOUS, text="请慢走", situation="送别")
    ServicePhrase.objects.create(kind=ServicePhrase.Kind.COURTEOUS, text="已停用的用语", is_active=False)
    html = client.get(reverse("org:public_phrases")).content.decode()
    courteous = html[html.index('data-testid="courteous"'):html.index('data-testid="taboo"')]
    taboo = html[html.index('data-testid="taboo"'):]
    assert "您好！" in courteous and "请慢走" in courteous and "送别" in courteous
    assert "不归我管" in taboo and "不归我管" not in courteous
    assert "已停用的用语" not in html
    assert "文明用语" in html and "服务忌语" in html


def test_it_lets_a_supervisor_add_and_edit_phrases(client, org):
    client.force_login(org.supervisor)
    response = client.post(reverse("org:phrase_new"), {"kind": "taboo", "text": "找别人去", "sort_order": 1,
                                                         "is_active": "on"})
    assert response.status_code == 302
    phrase = ServicePhrase.objects.get(text="找别人去")
    assert [p.text for p in find_taboo_phrases("他说找别人去")] == ["找别人去"]
    client.post(reverse("org:phrase_edit", args=[phrase.pk]), {"kind": "taboo", "text": "找别人去", "sort_order": 1})
    phrase.refresh_from_db()
    assert phrase.is_active is False
    assert find_taboo_phrases("他说找别人去") == []
    html = client.get(reverse("org:phrase_list")).content.decode()
    assert "用语已保存。" in html and "找别人去" in html


def test_it_refuses_the_same_phrase_twice(client, org):
    client.force_login(org.supervisor)
    response = client.post(reverse("org:phrase_new"), {"kind": "taboo", "text": "不归我管", "sort_order": 1})
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode() or "alert-danger" in response.content.decode()
    assert ServicePhrase.objects.filter(text="不归我管").count() == 1
