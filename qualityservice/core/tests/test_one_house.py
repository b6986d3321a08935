"""The house rules that hold for every app, checked on the source (architecture.md, conventions 14–16):
every status field has one registered workflow, and no code outside the engine changes a status;
core imports no app. The first two are checked app by app (``[<app folder>]``), so a failure names the app
and a new app — the one core/tests/test_app_template.py generates from the skeleton, too — is checked by itself."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from qualityservice.core import workflow

ROOT = Path(settings.BASE_DIR) / "qualityservice"
# Every app folder, installed or not (the bench ceiling's code is scanned too).
APP_DIRS = sorted(p.name for p in ROOT.iterdir() if (p / "apps.py").exists())


def _platform_models(app_dir: str):
    for config in apps.get_app_configs():
        if config.name == f"qualityservice.{app_dir}":
            for model in config.get_models():
                if not model._meta.label.lower().startswith(f"{config.label}.historical"):
                    yield model


def _status_fields(model):
    return [f.name for f in model._meta.concrete_fields if f.name == "status" or (f.name.endswith("_status") and f.choices
            and not f.name.startswith(("from_", "to_")))]


# Demo and scale data build new rows in their final state before one bulk insert: creation, not a change.
# They never load a row and change its status (a reviewer checks that; the scan cannot tell the two apart).
GENERATORS = ("demo.py", "scale.py")


def _sources(app_dir: str):
    for path in sorted((ROOT / app_dir).rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if "/tests/" in rel or "/migrations/" in rel or rel == "core/workflow.py" or "/app_template/" in rel:
            continue
        if path.name in GENERATORS:
            continue
        yield rel, path


def test_it_checks_every_app_folder():
    assert {"core", "org", "feedback", "inspections", "surveys"} <= set(APP_DIRS)


@pytest.mark.parametrize("app_dir", APP_DIRS)
def test_it_has_a_registered_workflow_for_every_status_field_of_every_model(app_dir):
    missing = []
    for model in _platform_models(app_dir):
        for name in _status_fields(model):
            if workflow.for_field(model, name) is None:
                missing.append(f"{model._meta.label}.{name}")
    assert missing == []


def _status_changes(tree: ast.AST, names: set[str]):
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Attribute) and sub.attr in names and isinstance(sub.ctx, ast.Store):
                        yield node.lineno, f"assigns .{sub.attr}"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "update" and any(k.arg in names for k in node.keywords):
                yield node.lineno, "calls .update(status=…)"
            if node.func.attr == "bulk_update" and any(
                isinstance(arg, ast.List | ast.Tuple) and any(isinstance(e, ast.Constant) and e.value in names for e in arg.elts)
                for arg in [*node.args, *[k.value for k in node.keywords]]
            ):
                yield node.lineno, "bulk-updates a status"
            if node.func.attr == "setattr" or (isinstance(node.func, ast.Name) and node.func.id == "setattr"):
                if len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) and node.args[1].value in names:
                    yield node.lineno, "setattr of a status"


@pytest.mark.parametrize("app_dir", APP_DIRS)
def test_it_changes_no_status_outside_the_workflow_engine(app_dir):
    names = {"status"} | {wf.field for wf in workflow.registered()}
    offences = []
    for rel, path in _sources(app_dir):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        offences += [f"{rel}:{line}: {what}" for line, what in _status_changes(tree, names)]
    assert offences == []


def test_the_scan_finds_the_changes_it_forbids():
    source = "x.status = 'a'\nM.objects.filter(pk=1).update(status='b')\nM.objects.bulk_update(rows, ['status'])\n"
    found = [what for _line, what in _status_changes(ast.parse(source), {"status"})]
    assert len(found) == 3


@pytest.mark.parametrize("module", ["core"])
def test_core_imports_no_app(module):
    other_apps = {c.name for c in apps.get_app_configs() if c.name.startswith("qualityservice.")} - {"qualityservice.core"}
    offences = []
    for path in sorted((ROOT / module).rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if "/tests/" in rel or "/app_template/" in rel:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offences += [f"{rel}:{node.lineno}: {n}" for n in names if any(n == a or n.startswith(a + ".") for a in other_apps)]
    assert offences == []
