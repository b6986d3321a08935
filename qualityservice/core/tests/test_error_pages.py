"""The platform's own error pages: 404, 403, 500 and the CSRF failure, translated, in the staff layout under
/staff/ and in the public one elsewhere — never Django's bare pages."""

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from qualityservice.core.views import server_error

pytestmark = pytest.mark.django_db


def test_it_shows_a_translated_404_in_the_public_layout(client, org):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'data-testid="error-page"' in html and "页面不存在" in html
    assert "qs-public" in html and "qs-staff" not in html  # the public base: header, footer, hotline
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Page not found" in response.content.decode()


def test_it_shows_the_404_of_a_staff_page_in_the_staff_layout(client, org):
    client.force_login(org.head_wuye)
    html = client.get("/staff/no-such-page/").content.decode()
    assert "页面不存在" in html and 'id="qs-nav"' in html and "工作台" in html  # side navigation, back to the workbench


def test_it_answers_a_row_of_another_department_with_the_same_404(client, org):
    client.force_login(org.head_yinshi)
    response = client.get(f"/staff/org/departments/{org.wuye.pk}/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_it_shows_a_translated_403(rf, org):
    from django.core.exceptions import PermissionDenied

    from qualityservice.core.views import permission_denied

    request = rf.get("/feedback/new/")
    request.user = org.staff_wuye
    with translation.override("zh-hans"):
        html = permission_denied(request, PermissionDenied()).content.decode()
    assert "无权访问" in html and 'data-status="403"' in html


def test_it_shows_a_translated_500_that_reads_no_database(django_assert_num_queries):
    request = RequestFactory().get("/")
    for language, text in (("zh-hans", "出错了"), ("en", "Something went wrong")):
        with translation.override(language), django_assert_num_queries(0):
            response = server_error(request)
        assert response.status_code == 500 and text in response.content.decode()


def test_it_shows_the_platforms_csrf_page_for_a_form_that_keeps_no_input(org):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "表单未能提交" in html and 'data-testid="error-page"' in html
    assert "CSRF verification failed" not in html  # not Django's page
