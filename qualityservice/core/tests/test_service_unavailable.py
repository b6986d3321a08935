"""An outage of the database or of Redis is answered with a translated 503 page (Retry-After, no
store), rendered without touching the database — not with a 500. A bug is still a 500."""

import logging

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.urls("qualityservice.core.tests.outage_urls")


@pytest.mark.parametrize("path", ["/outage/db/", "/outage/closed/", "/outage/redis/"])
def test_it_answers_an_outage_with_the_translated_503_page(client, db, path, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "<title>服务暂时不可用</title>" in html
    assert "再次提交同一张表单不会重复保存" in html
    assert "Traceback" not in html and "127.0.0.1" not in html


def test_it_speaks_the_visitors_language(client, db):
    response = client.get("/outage/db/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert "Service temporarily unavailable" in response.content.decode()


def test_it_logs_one_line_without_a_traceback(client, db, caplog):
    with caplog.at_level(logging.INFO):
        client.post("/outage/db/")
    records = [r for r in caplog.records if r.name == "qualityservice.core.middleware"]
    assert len(records) == 1 and records[0].levelno == logging.ERROR and records[0].exc_info is None
    assert "POST /outage/db/" in records[0].getMessage() and "Connection refused" in records[0].getMessage()
    assert not [r for r in caplog.records if r.name == "django.request"]


def test_a_bug_is_still_an_error(client, db):
    with pytest.raises(ValueError):
        client.get("/outage/bug/")


def test_a_public_submission_during_a_database_outage_gets_the_503_page(client, org, monkeypatch):
    from qualityservice.feedback import services

    def down(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "create_record", down)
    response = client.post("/feedback/new/", {"kind": "complaint", "department": org.wuye.pk, "title": "楼道灯不亮",
                                              "body": "三号楼二楼楼道灯坏了。", "anonymous": "on", "website": ""})
    assert response.status_code == 503
    assert "服务暂时不可用" in response.content.decode()


def test_a_submission_the_outage_refused_costs_the_visitor_none_of_the_allowance(client, org, settings, monkeypatch):
    """Found by the scale-out drill (step 4): visitors who pressed Submit again during a PostgreSQL restart
    had used up their per-browser allowance by the time it was back, and were refused for the hour."""
    from qualityservice.feedback import services

    settings.QS_FEEDBACK_RATE_PER_SESSION = "2/h"
    client.get("/feedback/new/")  # the browser id
    form = {"kind": "complaint", "department": org.wuye.pk, "title": "楼道灯不亮", "body": "三号楼二楼楼道灯坏了。",
            "anonymous": "on", "website": ""}
    real = services.create_record

    def down(**kwargs):
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(services, "create_record", down)
    for _ in range(3):
        assert client.post("/feedback/new/", form).status_code == 503
    monkeypatch.setattr(services, "create_record", real)
    assert [client.post("/feedback/new/", {**form, "submission_key": f"key{i}" * 4}).status_code for i in range(3)] == [302, 302, 429]
