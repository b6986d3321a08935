"""Chinese by default, English on request (the switch in every page header posts to /i18n/setlang/)."""

from django.urls import reverse


def test_it_speaks_chinese_by_default(client, org):
    html = client.get(reverse("org:home")).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "投诉热线" in html and "我们的服务承诺" in html and "员工登录" in html
    assert 'data-testid="lang-en">English</button>' in html
    assert "Complaint hotline" not in html


def test_it_switches_to_english_and_back(client, org):
    response = client.post("/i18n/setlang/", {"language": "en", "next": reverse("org:public_directory")})
    assert response.status_code == 302 and response["Location"] == reverse("org:public_directory")
    html = client.get(reverse("org:home")).content.decode()
    assert '<html lang="en">' in html
    assert "Complaint hotline" in html and "Our service commitments" in html and "Staff sign-in" in html
    assert "Property Centre" in html  # departments' English names
    assert 'data-testid="lang-zh">中文</button>' in html
    assert "投诉热线" not in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "投诉热线" in client.get(reverse("org:home")).content.decode()


def test_it_translates_staff_pages_and_role_names(client, org):
    client.force_login(org.head_wuye)
    html = client.get(reverse("core:workbench")).content.decode()
    assert "工作台" in html and "部门负责人" in html and "退出登录" in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/staff/"})
    html = client.get(reverse("core:workbench")).content.decode()
    assert "Workbench" in html and "Department head" in html and "Sign out" in html


def test_it_follows_the_browsers_language_when_no_choice_was_made(client, org):
    html = client.get(reverse("org:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Complaint hotline" in html
    html = client.get(reverse("org:home"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert "投诉热线" in html


def test_it_refuses_to_redirect_the_language_switch_off_site(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example.com/"})
    assert response.status_code == 302
    assert "evil.example.com" not in response["Location"]
