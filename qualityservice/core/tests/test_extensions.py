"""Extension points and the staff navigation registry: other apps plug into foundation pages."""

from django.urls import reverse
from django.utils import translation

from qualityservice.core import extensions, nav
from qualityservice.core.roles import Role
from qualityservice.org.models import Staff


def test_it_renders_fragments_registered_on_an_extension_point(client, org, monkeypatch):
    monkeypatch.setattr(extensions, "_points", {})
    extensions.register("badge_page", "core/_language_switch.html", order=20)
    extensions.register("badge_page", "core/_language_switch.html", order=5)  # registering twice adds nothing
    assert extensions.templates_for("badge_page") == ["core/_language_switch.html"]
    staff = Staff.objects.get(user=org.staff_wuye)
    html = client.get(staff.get_public_url()).content.decode()
    assert html.count('data-testid="lang-en"') == 2  # the header's switch and the fragment


def test_it_shows_each_role_its_navigation(org):
    def labels(role):
        with translation.override("en"):
            return {str(item["label"]) for item in nav.items_for(role)}

    assert nav.items_for(None) == []
    assert {"Departments", "Staff", "Commitments"} <= labels(Role.HEAD)
    assert "Site settings" not in labels(Role.HEAD) and "Service phrases" not in labels(Role.HEAD)
    assert {"Service phrases"} <= labels(Role.SUPERVISOR)
    assert {"Roster import", "Site settings", "Service phrases"} <= labels(Role.ADMIN)
    assert "Staff" not in labels(Role.STAFF)
    urls = {item["url"] for item in nav.items_for(Role.ADMIN)}
    assert reverse("org:roster_import") in urls


def test_it_marks_the_current_page_in_the_staff_navigation(client, org):
    client.force_login(org.supervisor)
    html = client.get(reverse("org:commitment_list")).content.decode()
    assert f'class="nav-link active" href="{reverse("org:commitment_list")}"' in html
