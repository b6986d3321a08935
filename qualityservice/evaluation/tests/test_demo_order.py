"""The demo runs after every app whose figures it freezes: ``seed_demo`` seeds the apps in INSTALLED_APPS order, so
the current year's demo scheme, frozen by the evaluation's demo, carries the ideas' and recognition's demo figures
(not the zeros of apps not seeded yet)."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from qualityservice.core.registry import app_modules
from qualityservice.evaluation import demo
from qualityservice.evaluation.models import Scheme


def test_it_seeds_the_evaluation_and_the_news_after_every_app_whose_figures_they_read():
    order = [config.label for config, _module in app_modules("demo")]
    sources = {key.split(".")[0] for key, *_rest in (*demo.BASE_COMPONENTS, demo.RECOGNITION, demo.GATE)}
    sources |= {"ideas", "recognition"}  # the news bulletins freeze every registered indicator
    for reader in ("evaluation", "news"):
        earlier = set(order[: order.index(reader)])
        assert sources & set(order) <= earlier, (reader, order)


@pytest.mark.django_db
def test_it_freezes_the_current_years_demo_scheme_with_the_ideas_and_recognition_demo_figures():
    call_command("seed_demo", stdout=io.StringIO())
    scheme = Scheme.objects.get(year=timezone.localdate().year)
    assert scheme.status == Scheme.Status.FROZEN
    figures: dict[str, list] = {}
    for result in scheme.results.all():
        for line in result.inputs["lines"]:
            figures.setdefault(line["key"], []).append(line["value"])
    for key in ("ideas.adopted", "ideas.verified_saving_yuan", "recognition.winners"):
        assert key in figures, sorted(figures)
        assert any(value is not None and float(value) > 0 for value in figures[key]), (key, figures[key])
