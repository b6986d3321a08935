"""Site settings: the organisation name, complaint hotline and mailbox shown on every public page."""

from django.urls import reverse

from qualityservice.org.models import SiteSettings


def test_it_shows_the_configured_defaults_before_anything_is_saved(client, db, settings):
    settings.QS_HOTLINE = "66781315"
    settings.QS_MAILBOX = "hqjt@ouc.edu.cn"
    html = client.get(reverse("org:home")).content.decode()
    assert 'data-testid="hotline">66781315<' in html
    assert 'data-testid="mailbox">hqjt@ouc.edu.cn<' in html
    assert 'href="tel:66781315"' in html and 'href="mailto:hqjt@ouc.edu.cn"' in html


def test_it_shows_changed_settings_on_the_home_page_at_once(client, org):
    assert "66781315" in client.get(reverse("org:home")).content.decode()  # cached now
    client.force_login(org.admin)
    response = client.post(reverse("org:site_settings"), {
        "organisation_name": "海大后勤", "organisation_name_en": "OUC Logistics", "hotline": "0532-12345678",
        "mailbox": "fuwu@example.edu.cn", "service_hours": "8:00-22:00", "address": "", "introduction": ""})
    assert response.status_code == 302
    client.logout()
    html = client.get(reverse("org:home")).content.decode()
    assert 'data-testid="hotline">0532-12345678<' in html
    assert 'data-testid="mailbox">fuwu@example.edu.cn<' in html
    assert "海大后勤" in html and "8:00-22:00" in html
    assert "66781315" not in html and "hqjt@ouc.edu.cn" not in html
    # The English name in English.
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "OUC Logistics" in client.get(reverse("org:home")).content.decode()


def test_it_keeps_a_single_settings_row(db):
    SiteSettings(organisation_name="A", hotline="1", mailbox="a@example.com").save()
    SiteSettings(organisation_name="B", hotline="2", mailbox="b@example.com").save()
    assert SiteSettings.objects.count() == 1
    assert SiteSettings.load().organisation_name == "B"


def test_it_refuses_a_malformed_mailbox(client, org):
    client.force_login(org.admin)
    response = client.post(reverse("org:site_settings"), {"organisation_name": "后勤集团", "hotline": "66781315",
                                                          "mailbox": "not-an-address"})
    assert response.status_code == 200
    assert "输入一个有效的 Email 地址。" in response.content.decode()  # Django's own Chinese message
    assert not SiteSettings.objects.exists()


def test_it_records_who_changed_the_settings(client, org):
    client.force_login(org.admin)
    client.post(reverse("org:site_settings"), {"organisation_name": "后勤集团", "hotline": "66781316",
                                                "mailbox": "hqjt@ouc.edu.cn"})
    record = SiteSettings.objects.get()
    assert record.history.first().history_user == org.admin
