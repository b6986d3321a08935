"""Demo data (``manage.py seed_demo``): the 2010 evaluation (the seed plan's year) completed — frozen, on public
notice with an objection, final — and the current year's scheme. Both on the registry's indicators (events,
competitions, ideas and, when the app publishes it, recognition included). Idempotent: fixed submission keys;
a second run finds the schemes and adds nothing."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone

from qualityservice.core import indicators
from qualityservice.core.roles import Role
from qualityservice.core.workflow import TransitionError
from qualityservice.org.models import Department

from . import services
from .models import Scheme
from .workflows import SCHEME


def seed(out, rng) -> None:
    supervisor = get_user_model().objects.filter(staff__role=Role.SUPERVISOR).order_by("pk").first()
    seed_2010(out, supervisor)
    seed_scheme(out, supervisor)


# The demo scheme: real registered indicators (key, weight, rule, zero points at, full points at). The figures of
# events, competitions and ideas are volumes ranked among the centres; recognition's winners join when the
# recognition app publishes them (``recognition.winners``), taking 5 points from the on-time rate.
BASE_COMPONENTS = (
    ("feedback.on_time_rate", 20, "linear", 60, 100),
    ("surveys.satisfaction_index", 20, "linear", 60, 100),
    ("inspections.mean_score", 15, "linear", 60, 100),
    ("campaigns.done_on_time_rate", 10, "linear", 0, 100),
    ("training.hours_per_staff", 5, "rank", None, None),
    ("events.events_held", 5, "rank", None, None),
    ("events.participants", 5, "rank", None, None),
    ("competitions.awards", 10, "rank", None, None),
    ("ideas.adopted", 5, "rank", None, None),
    ("ideas.verified_saving_yuan", 5, "rank", None, None),
)
RECOGNITION = ("recognition.winners", 5, "rank", None, None)
GATE = ("campaigns.required_completion_rate", 100)


def demo_components() -> list[tuple]:
    """The components whose indicators are registered now; weights always add up to 100."""
    known = {i.key for i in indicators.all()}
    components = [c for c in BASE_COMPONENTS if c[0] in known]
    if RECOGNITION[0] in known:
        components = [(k, w - 5 if k == "feedback.on_time_rate" else w, *rest) for k, w, *rest in components] + [RECOGNITION]
    missing = 100 - sum(c[1] for c in components)
    if missing and components:  # an app of the list is not installed: its weight goes to the first component
        first = components[0]
        components[0] = (first[0], first[1] + missing, *first[2:])
    return components


def _build(scheme, supervisor, *, bonus_key: str) -> None:
    for key, weight, rule, floor, target in demo_components():
        services.set_component(scheme, indicator=key, weight=weight, rule=rule, floor=floor, target=target)
    if GATE[0] in {i.key for i in indicators.all()}:
        services.set_gate(scheme, indicator=GATE[0], minimum=GATE[1])
    first = Department.objects.centres().first()
    if first is not None:
        services.add_adjustment(scheme, key=bonus_key, by=supervisor, department=first, points=2, reason="获评省级文明窗口")


def seed_2010(out, supervisor) -> None:
    """The seed plan's year, evaluated and published: frozen, on public notice (full ranking) with one objection,
    then final."""
    scheme, created = services.create_scheme(key="demo-evaluation-2010", by=supervisor, year=2010, title="2010年度优质服务考核",
                                             title_en="Quality service evaluation 2010")
    if scheme.status == Scheme.Status.FINAL:
        return
    if scheme.is_draft and not scheme.components.exists():
        _build(scheme, supervisor, bonus_key="demo-evaluation-2010-bonus")
    try:
        if scheme.is_draft:
            scheme = SCHEME.apply(scheme, "freeze", by=supervisor, system=True)
        if scheme.status == Scheme.Status.FROZEN:
            scheme = SCHEME.apply(scheme, "notice", by=supervisor, system=True, publication=Scheme.Publication.FULL)
    except TransitionError as exc:
        out.write(f"evaluation: scheme 2010 left as a draft ({' '.join(exc.messages)})")
        return
    if services.feedback_available():
        services.raise_objection(scheme, key="demo-evaluation-2010-objection", department=Department.objects.centres().first(),
                                 text="公示名单中本中心的满意度数据与我们掌握的回访记录不一致，请复核。", name="张老师")
    SCHEME.apply(scheme, "finalize", by=supervisor, system=True)
    out.write(f"evaluation: scheme 2010 final with {scheme.results.count()} results")


def seed_scheme(out, supervisor) -> None:
    """The current year's scheme, frozen when every centre has a figure (else it stays a draft and says why)."""
    year = timezone.localdate().year
    scheme, created = services.create_scheme(key=f"demo-evaluation-{year}", by=supervisor, year=year,
                                             title=f"{year}年度优质服务考核", title_en=f"Quality service evaluation {year}")
    if not created or not scheme.is_draft:
        return
    _build(scheme, supervisor, bonus_key=f"demo-evaluation-{year}-bonus")
    try:
        SCHEME.apply(scheme, "freeze", by=supervisor, system=True)
    except TransitionError as exc:  # e.g. a centre without any figure: the scheme stays a draft
        out.write(f"evaluation: scheme {year} left as a draft ({' '.join(exc.messages)})")
        return
    out.write(f"evaluation: scheme {year} frozen with {Scheme.objects.get(pk=scheme.pk).results.count()} results")
