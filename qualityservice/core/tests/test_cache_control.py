"""Pages with personal data tell browsers and proxies to keep no copy."""

from django.urls import reverse


def directives(response) -> set[str]:
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()}


def test_it_sends_every_staff_page_private_and_no_store(client, org):
    client.force_login(org.head_wuye)
    for url in (reverse("core:workbench"), reverse("org:staff_list")):
        response = client.get(url)
        assert response.status_code == 200 and "物业" in response.content.decode()
        assert {"private", "no-store"} <= directives(response), url
        assert "public" not in directives(response)


def test_it_sends_a_staff_export_and_a_redirect_to_sign_in_private_too(client, org):
    assert {"private", "no-store"} <= directives(client.get(reverse("org:staff_list")))  # anonymous: 302 to sign-in
    client.force_login(org.admin)
    export = client.get(reverse("org:roster_export"))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert {"private", "no-store"} <= directives(export)


def test_it_sends_the_account_pages_private(client, org):
    assert {"private", "no-store"} <= directives(client.get(reverse("login")))
    assert {"private", "no-store"} <= directives(client.get(reverse("password_reset")))
    client.force_login(org.staff_wuye)
    assert {"private", "no-store"} <= directives(client.get(reverse("password_change")))


def test_it_lets_public_pages_keep_their_own_caching(client, org):
    response = client.get(reverse("org:home"))
    assert "no-store" not in directives(response) and "后勤集团" in response.content.decode()
