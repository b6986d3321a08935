"""Demo members: a few students and teachers who can sign in, a roster around them; a second run adds nothing."""

import io
import random

import pytest
from django.urls import reverse

from qualityservice.members import demo
from qualityservice.members.models import Member, SignInCode


@pytest.mark.django_db
def test_it_seeds_members_once_and_prints_how_they_sign_in(client, settings):
    settings.QS_MEMBER_PASSWORDS = True
    out = io.StringIO()
    demo.seed(out, random.Random(2026))
    first = (Member.objects.count(), Member.history.count(), SignInCode.objects.count())
    assert first[0] >= 100 and first[2] == 1
    assert {"student", "teacher"} <= set(Member.objects.values_list("kind", flat=True))
    text = out.getvalue()
    assert "20260101" in text and demo.DEMO_PASSWORD in text and demo.DEMO_CODE in text
    demo.seed(None, random.Random(2026))
    assert (Member.objects.count(), Member.history.count(), SignInCode.objects.count()) == first
    response = client.post(reverse("members:signin"), {"username": "20260101", "password": demo.DEMO_PASSWORD})
    assert response.status_code == 302
    client.logout()
    response = client.post(reverse("members:activate"), {"number": "20260103", "code": demo.DEMO_CODE,
                                                          "password1": "Blue-Harbour-77", "password2": "Blue-Harbour-77"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_it_gives_the_demo_colleges_english_names_also_when_they_were_seeded_without(settings):
    from qualityservice.members.models import College

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    College.objects.create(name="经济学院")  # seeded by an earlier version, without English
    College.objects.create(name="外国语学院", name_en="School of Foreign Studies")  # English someone wrote
    demo.seed(None, random.Random(2026))
    assert not College.objects.filter(name_en="").exists()
    assert dict(College.objects.values_list("name", "name_en"))["经济学院"] == "School of Economics"
    assert College.objects.get(name="外国语学院").name_en == "School of Foreign Studies"
