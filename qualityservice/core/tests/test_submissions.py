"""The one submission-key helper (core.submissions): repeated keys make one record, also under a race."""

import threading

import pytest
from django.db import connection

from qualityservice.core.submissions import SubmissionKeyFormMixin, create_once, new_key, scoped
from qualityservice.org.models import Department


def _make(code):
    return lambda key: Department.objects.create(code=key, name=f"部门 {code}")


@pytest.mark.django_db
def test_it_creates_once_and_answers_a_repeated_key_with_the_first_record():
    first, created = create_once(Department, "k-1", _make(1), field="code")
    again, created_again = create_once(Department, "k-1", _make(2), field="code")
    assert created and not created_again
    assert again.pk == first.pk and again.name == "部门 1"
    assert Department.objects.filter(code="k-1").count() == 1


@pytest.mark.django_db
def test_it_creates_every_time_without_a_key():
    made = [create_once(Department, None, lambda key, n=n: Department.objects.create(code=f"n{n}", name="x"), field="code")
            for n in range(3)]
    assert all(created for _obj, created in made)


def test_it_scopes_keys_by_form_and_hashes_long_ones_without_collisions():
    assert scoped("reply", None) is None
    assert scoped("reply", "abc") == "reply:abc"
    long_a, long_b = scoped("reply", "a" * 80), scoped("reply", "a" * 79 + "b")
    assert len(long_a) <= 64 and len(long_b) <= 64 and long_a != long_b


def test_it_gives_a_fresh_key_to_an_unbound_form_and_refuses_a_malformed_one():
    class Form(SubmissionKeyFormMixin):
        pass

    assert len(Form().initial["submission_key"]) == 32
    assert Form().initial["submission_key"] != Form().initial["submission_key"]
    bad = Form(data={"submission_key": "x' OR 1=1 --"})
    assert not bad.is_valid() and "submission_key" in bad.errors
    good = Form(data={"submission_key": new_key()})
    assert good.is_valid()


@pytest.mark.django_db(transaction=True)
def test_it_makes_one_record_when_two_requests_race_with_the_same_key():
    if connection.vendor != "postgresql":
        pytest.skip("a real race needs concurrent writers: runs in the PostgreSQL pass")
    barrier = threading.Barrier(6)
    results, errors = [], []

    def worker(n):
        from django.db import connection as conn

        try:
            barrier.wait()
            obj, created = create_once(Department, "race-key", _make(n), field="code")
            results.append((obj.pk, created))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len({pk for pk, _created in results}) == 1
    assert sum(created for _pk, created in results) == 1
    assert Department.objects.filter(code="race-key").count() == 1


@pytest.mark.django_db
def test_it_answers_a_repeated_key_from_the_constraint_when_asked_not_to_look_up_first(django_assert_num_queries):
    first, _created = create_once(Department, "k-2", _make(1), field="code", look_up_first=False)
    with django_assert_num_queries(5):  # SAVEPOINT, the INSERT refused, ROLLBACK TO and RELEASE, the look-up
        again, created = create_once(Department, "k-2", _make(2), field="code", look_up_first=False)
    assert not created and again.pk == first.pk and Department.objects.get(code="k-2").name == "部门 1"


def test_it_rebuilds_the_field_as_it_was_from_a_migration_also_without_the_unique_constraint():
    from qualityservice.core.submissions import SubmissionKeyField

    for field in (SubmissionKeyField(), SubmissionKeyField(unique=False, db_index=True), SubmissionKeyField(null=False)):
        _name, path, args, kwargs = field.deconstruct()
        again = SubmissionKeyField(*args, **kwargs)
        assert (again.unique, again.db_index, again.null, again.blank, again.max_length) == (
            field.unique, field.db_index, field.null, field.blank, field.max_length)
        assert path == "qualityservice.core.submissions.SubmissionKeyField"
