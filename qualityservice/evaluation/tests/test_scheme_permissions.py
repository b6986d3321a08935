"""The evaluation's views against every role: the supervisor (and administrator) everything; a department head
the list of published schemes and their own department's report (page and PDF) once on public notice, another
department's a 404; plain staff, hotline operators and judges a 404 everywhere; anonymous visitors sign in.
A refused POST changes nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from qualityservice.evaluation import services, staff_urls
from qualityservice.evaluation.models import Scheme
from qualityservice.evaluation.workflows import SCHEME

pytestmark = pytest.mark.django_db

VIEWS = ("schemes", "scheme_new", "scheme", "scheme_component", "scheme_gate", "scheme_adjustment", "scheme_veto", "scheme_version",
         "scheme_move", "scheme_whatif", "report", "report_pdf", "dashboard", "department_dashboard")
OK, MOVED = 200, 302
ALL = {"schemes": OK, "scheme_new": OK, "scheme": OK, "scheme_component": MOVED, "scheme_gate": MOVED,
       "scheme_adjustment": MOVED, "scheme_veto": MOVED, "scheme_version": MOVED, "scheme_move": MOVED, "scheme_whatif": OK, "report": OK,
       "report_pdf": OK, "dashboard": OK, "department_dashboard": OK}
HEAD_OWN = dict.fromkeys(VIEWS, 404) | {"schemes": OK, "report": OK, "report_pdf": OK, "department_dashboard": OK}
MATRIX = {
    "supervisor": ALL,
    "admin": ALL,
    "head_wuye": HEAD_OWN,
    "head_yinshi": dict.fromkeys(VIEWS, 404) | {"schemes": OK},
    "staff_wuye": dict.fromkeys(VIEWS, 404),
    "operator": dict.fromkeys(VIEWS, 404),
    "judge": dict.fromkeys(VIEWS, 404),
}


@pytest.fixture
def schemes(org, live):
    live["evaluation.test_rate"] = {org.wuye.pk: Decimal(88), org.yinshi.pk: Decimal(70), org.office.pk: Decimal(50)}
    published, _ = services.create_scheme(key=None, by=org.supervisor, year=2026, title="2026年度考核")
    services.set_component(published, indicator="evaluation.test_rate", weight=100, floor=0, target=100)
    for action in ("freeze", "notice"):
        published = SCHEME.apply(published, action, by=org.supervisor)
    draft, _ = services.create_scheme(key=None, by=org.supervisor, year=2027, title="2027年度考核")
    services.set_component(draft, indicator="evaluation.test_rate", weight=100, floor=0, target=100)
    return published, draft


def _views(org, published, draft):
    wuye = org.wuye.pk
    return {
        "schemes": ("get", reverse("evaluation:schemes"), {}),
        "scheme_new": ("get", reverse("evaluation:scheme_new"), {}),
        "scheme": ("get", published.get_absolute_url(), {}),
        "scheme_component": ("post", reverse("evaluation:scheme_component", args=[draft.pk]),
                             {"indicator": "evaluation.test_rate", "weight": "100", "rule": "linear", "floor": "10", "target": "90"}),
        "scheme_gate": ("post", reverse("evaluation:scheme_gate", args=[draft.pk]), {"indicator": "evaluation.test_rate", "minimum": "1"}),
        "scheme_adjustment": ("post", reverse("evaluation:scheme_adjustment", args=[draft.pk]),
                              {"department": wuye, "points": "2", "reason": "表彰"}),
        "scheme_veto": ("post", reverse("evaluation:scheme_veto", args=[draft.pk]), {"department": wuye, "reason": "发生安全事故"}),
        "scheme_version": ("post", reverse("evaluation:scheme_version", args=[published.pk]), {"reason": "更正"}),
        "scheme_move": ("post", reverse("evaluation:scheme_move", args=[published.pk]), {"action": "finalize"}),
        "scheme_whatif": ("get", reverse("evaluation:scheme_whatif", args=[draft.pk]), {}),
        "report": ("get", reverse("evaluation:report", args=[published.pk, wuye]), {}),
        "report_pdf": ("get", reverse("evaluation:report_pdf", args=[published.pk, wuye]), {}),
        "dashboard": ("get", reverse("evaluation:dashboard"), {"year": "2026"}),
        "department_dashboard": ("get", reverse("evaluation:department_dashboard", args=[wuye]), {"year": "2026"}),
    }


def test_the_matrix_covers_every_evaluation_view(org, schemes):
    assert tuple(_views(org, *schemes)) == VIEWS == tuple(p.name for p in staff_urls.urlpatterns)
    assert all(tuple(row) == VIEWS for row in MATRIX.values())


def test_it_sends_anonymous_visitors_to_sign_in(client, org, schemes):
    for name, (method, url, data) in _views(org, *schemes).items():
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name
    assert Scheme.objects.count() == 2


@pytest.mark.parametrize("who", list(MATRIX))
def test_it_gives_each_role_what_the_matrix_says(client, org, schemes, who):
    published, draft = schemes
    client.force_login(getattr(org, who))
    for name, (method, url, data) in _views(org, published, draft).items():
        response = getattr(client, method)(url, data)
        assert response.status_code == MATRIX[who][name], (name, response.status_code)
        if response.status_code == 404:
            assert "88.00" not in response.content.decode(), name
        elif name == "report":
            assert "88.00" in response.content.decode() and "Test rate" in response.content.decode()
        elif name in ("dashboard", "department_dashboard"):
            assert "88.0" in response.content.decode() and "A test rate, in per cent" in response.content.decode()
    moved = MATRIX[who]["scheme_move"] == MOVED
    assert Scheme.objects.get(pk=published.pk).status == ("final" if moved else "notice")
    assert draft.components.get().floor == (Decimal(10) if moved else Decimal(0))
    assert draft.adjustments.count() == (1 if moved else 0)
    assert list(draft.vetoes.values_list("reason", flat=True)) == (["发生安全事故"] if moved else [])
    assert Scheme.objects.count() == (3 if moved else 2)


def test_it_hides_a_departments_report_from_its_head_until_the_public_notice(client, org, live):
    live["evaluation.test_rate"] = {org.wuye.pk: Decimal(88), org.yinshi.pk: Decimal(70), org.office.pk: Decimal(50)}
    scheme, _ = services.create_scheme(key=None, by=org.supervisor, year=2026, title="2026年度考核")
    services.set_component(scheme, indicator="evaluation.test_rate", weight=100, floor=0, target=100)
    scheme = SCHEME.apply(scheme, "freeze", by=org.supervisor)
    client.force_login(org.head_wuye)
    url = reverse("evaluation:report", args=[scheme.pk, org.wuye.pk])
    assert client.get(url).status_code == 404
    client.force_login(org.supervisor)
    assert "88.00" in client.get(url).content.decode()
