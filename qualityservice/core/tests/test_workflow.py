"""The workflow engine (core.workflow) on a stand-in table: a workflow over a staff member's role field,
so the engine is tested without any app's own workflow."""

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from qualityservice.core.models import WorkflowEvent
from qualityservice.core.roles import Role
from qualityservice.core.workflow import Move, Transition, TransitionError, Workflow
from qualityservice.org.models import Staff


def _promote(staff, *, by, now, note, post="", **kw):
    if not post:
        raise TransitionError(_("Give the new post."))
    staff.post = post
    return Move(params={"post": post})


class PromotionFlow(Workflow):
    model = Staff
    field = "role"
    transitions = (
        Transition("promote", sources=(Role.STAFF,), target=Role.HEAD, label=_("Assign"), roles=(Role.SUPERVISOR,),
                   handler=_promote, sentence=_("Assigned to %(post)s")),
        Transition("demote", sources=(Role.HEAD,), target=Role.STAFF, label=_("Close"), roles=(Role.SUPERVISOR,),
                   check=lambda user, staff: staff.department.code != "locked"),
        Transition("retire", sources=(Role.STAFF, Role.HEAD), target=Role.JUDGE, label=_("Close")),
    )


FLOW = PromotionFlow()


@pytest.fixture
def member(org):
    return Staff.objects.get(pk=org.staff_wuye.staff.pk)


def test_it_moves_the_status_saves_the_handler_changes_and_records_one_event(org, member):
    FLOW.apply(member, "promote", by=org.supervisor, note="  well deserved ", post="班长")
    member.refresh_from_db()
    assert (member.role, member.post) == (Role.HEAD, "班长")
    [event] = WorkflowEvent.for_object(member)
    assert (event.action, event.from_status, event.to_status, event.actor, event.note) == (
        "promote", Role.STAFF, Role.HEAD, org.supervisor, "well deserved")
    assert event.params == {"post": "班长"}


def test_it_refuses_a_move_from_the_wrong_status_with_a_translated_message(org, member):
    with translation.override("en"), pytest.raises(TransitionError) as exc:
        FLOW.apply(member, "demote", by=org.supervisor)
    assert "is not possible while the status is" in exc.value.messages[0]
    with translation.override("zh-hans"), pytest.raises(TransitionError) as exc:
        FLOW.apply(member, "demote", by=org.supervisor)
    assert "不可" in exc.value.messages[0] or "无法" in exc.value.messages[0]
    assert not WorkflowEvent.objects.exists()


def test_it_refuses_users_without_the_role_and_rows_the_check_rejects(org, member):
    with pytest.raises(TransitionError):
        FLOW.apply(member, "promote", by=org.head_wuye, post="班长")
    member.refresh_from_db()
    assert member.role == Role.STAFF
    FLOW.apply(member, "promote", by=org.supervisor, post="班长")
    member.department.code = "locked"
    member.department.save()
    assert not FLOW.may(org.supervisor, "demote", member)
    with pytest.raises(TransitionError):
        FLOW.apply(member, "demote", by=org.supervisor)


def test_it_lets_a_handler_refuse_and_then_changes_nothing(org, member):
    with pytest.raises(TransitionError) as exc:
        FLOW.apply(member, "promote", by=org.supervisor, post="")
    assert exc.value.messages
    member.refresh_from_db()
    assert member.role == Role.STAFF and not WorkflowEvent.objects.exists()


def test_it_lets_only_jobs_take_a_transition_without_roles(org, member):
    assert not FLOW.may(org.admin, "retire", member)
    with pytest.raises(TransitionError):
        FLOW.apply(member, "retire", by=org.admin)
    FLOW.apply(member, "retire", system=True)
    member.refresh_from_db()
    assert member.role == Role.JUDGE
    assert WorkflowEvent.for_object(member).get().actor is None


def test_it_lists_the_allowed_transitions_in_table_order(org, member):
    assert [t.action for t in FLOW.allowed(org.supervisor, member)] == ["promote"]
    assert FLOW.allowed(org.head_wuye, member) == []
    assert FLOW.allowed_actions(org.admin, member) == {"promote"}


def test_it_renders_the_event_sentence_in_the_readers_language(org, member):
    FLOW.apply(member, "promote", by=org.supervisor, post="班长")
    event = WorkflowEvent.for_object(member).get()
    with translation.override("en"):
        assert FLOW.describe(event.action, event.params) == "Assigned to 班长"
    with translation.override("zh-hans"):
        assert FLOW.describe(event.action, event.params) != "Assigned to 班长"
        assert "班长" in FLOW.describe(event.action, event.params)
    with translation.override("en"):
        assert FLOW.describe("promote", {}) == "Assigned to —"  # an event written before the parameter existed


def test_it_moves_each_row_of_a_queryset_as_a_job_and_skips_rows_already_moved(org):
    rows = Staff.objects.filter(role=Role.STAFF)
    count = rows.count()
    assert count >= 2
    assert FLOW.apply_each(rows, "retire") == count
    assert not Staff.objects.filter(role=Role.STAFF).exists()
    assert WorkflowEvent.objects.filter(action="retire").count() == count
    assert FLOW.apply_each(Staff.objects.filter(role=Role.JUDGE, pk__in=[s.pk for s in rows]), "retire") == 0


def test_it_refuses_a_table_with_unknown_statuses():
    class Broken(Workflow):
        model = Staff
        field = "role"
        transitions = (Transition("x", sources=("nonsense",), target=Role.HEAD),)

    with pytest.raises(ValueError):
        Broken()
