"""Timeline rows whose note began with a finished sentence, written in the language of the request that made
the move ("物业管理中心已受理（网页表单）。", "指派给…", "满意度 1/5。", "由…转至…。" …), keep its parameters instead
(``params``: department, channel, assignee, score, attempts, departments of a transfer, merge target, deadline)
and only what a person wrote in the note: the timeline renders each sentence in the reader's language
(``workflows.describe_events``). The author of a row without a signed-in user (submitter, mailbox, system)
becomes the parameter ``actor``. Known sentences are recognised in Chinese and English (and the demo data's
wording); any other text is left as it is. Parameters already kept by the workflow engine win."""

import re

from django.db import migrations

# Channel labels as they were written (English source, Chinese translation) -> the stored code.
CHANNELS = {
    "web": ("Web form", "网页表单"), "badge_qr": ("Badge QR code", "胸牌二维码"), "hotline": ("Hotline", "服务热线"),
    "email": ("E-mail", "电子邮件"), "survey": ("Survey", "问卷调查"), "inspection": ("Inspection", "检查"),
    "visit": ("Supervision visit", "督查走访"), "forum": ("Forum", "论坛"),
}
CHANNEL_CODES = {label: code for code, labels in CHANNELS.items() for label in labels}

# (action, extra parameters, the first line as it was written: English first, then Chinese and the demo's)
KNOWN = [
    ("create", {}, ["Received by %(dept)s via %(channel)s.", "%(dept)s已受理（%(channel)s）。", "%(dept)s受理（%(channel)s）"]),
    ("assign", {}, ["Assigned to %(name)s", "指派给%(name)s"]),
    ("callback_unreached", {"closed": False}, ["Attempt %(attempts)s not reached.", "第 %(attempts)s 次回访未联系上。",
                                               "第%(attempts)s次回访未接通"]),
    ("callback_unreached", {"closed": True}, ["Closed after %(attempts)s unanswered callbacks.",
                                              "回访 %(attempts)s 次未联系上，已关闭。"]),
    ("callback_satisfied", {}, ["Satisfaction %(score)s/5.", "满意度 %(score)s/5。", "满意度%(score)s/5"]),
    ("callback_dissatisfied", {}, ["Satisfaction %(score)s/5.", "满意度 %(score)s/5。", "满意度%(score)s/5"]),
    ("rated", {}, ["Satisfaction %(score)s/5.", "满意度 %(score)s/5。"]),
    ("transfer", {}, ["From %(from)s to %(to)s.", "由%(from)s转至%(to)s。"]),
    ("merge", {}, ["Duplicate of %(target)s.", "与 %(target)s 重复。", "重复：%(target)s"]),
    ("escalate", {}, ["Deadline %(deadline)s passed.", "已超过办结时限 %(deadline)s。", "已超过答复时限"]),
]
NUMBERS = ("score", "attempts")
ACTORS = {"submitter": ("Submitter", "提交人"), "mailbox": ("Complaint mailbox", "投诉邮箱"), "system": ("System", "系统")}
ACTOR_KINDS = {label: kind for kind, labels in ACTORS.items() for label in labels}


def _pattern(sentence):
    parts = re.split(r"%\((\w+)\)s", sentence)
    regex = "".join(re.escape(part) if i % 2 == 0 else rf"(?P<{part}>.+?)" for i, part in enumerate(parts))
    return re.compile(regex + r"\Z")


PATTERNS = {}
for _action, _extra, _sentences in KNOWN:
    PATTERNS.setdefault(_action, []).extend((_extra, _pattern(s)) for s in _sentences)


def parse(action, note, departments):
    """(parameters, the rest of the note) when the note's first line is a known sentence of ``action``,
    else None. ``departments``: name (Chinese or English) -> id."""
    first, _sep, rest = (note or "").partition("\n")
    for extra, pattern in PATTERNS.get(action, ()):
        match = pattern.match(first.strip())
        if match is None:
            continue
        params = {**extra, **match.groupdict()}
        for key in NUMBERS:
            if key in params:
                if not params[key].isdigit():
                    break
                params[key] = int(params[key])
        else:
            if "channel" in params:
                if params["channel"] not in CHANNEL_CODES:
                    continue
                params["channel"] = CHANNEL_CODES[params["channel"]]
            for key in ("dept", "from", "to"):
                if key in params and params[key] in departments:
                    params[f"{key}_id"] = departments[params[key]]
            return params, rest
    return None


def forwards(apps, schema_editor):
    Department = apps.get_model("org", "Department")
    FeedbackEvent = apps.get_model("feedback", "FeedbackEvent")
    departments = {}
    for pk, name, name_en in Department.objects.values_list("pk", "name", "name_en").order_by("-pk"):
        departments[name] = pk
        if name_en:
            departments.setdefault(name_en, pk)
    batch = []
    for event in FeedbackEvent.objects.order_by("pk").iterator(chunk_size=2000):
        params, note, changed = dict(event.params or {}), event.note, False
        parsed = parse(event.action, event.note, departments)
        if parsed is not None:
            found, note = parsed
            params = {**found, **params}  # what the engine kept wins
            changed = True
        if event.actor_id is None and "actor" not in params and event.actor_name in ACTOR_KINDS:
            params["actor"] = ACTOR_KINDS[event.actor_name]
            changed = True
        if changed:
            event.params, event.note = params, note
            batch.append(event)
        if len(batch) >= 2000:
            FeedbackEvent.objects.bulk_update(batch, ["params", "note"])
            batch = []
    FeedbackEvent.objects.bulk_update(batch, ["params", "note"])


def backwards(apps, schema_editor):
    """Back to an English first line of the note from the parameters (the language a row was written in is
    not kept); ``actor`` stays in the parameters, which the earlier code ignores."""
    FeedbackEvent = apps.get_model("feedback", "FeedbackEvent")
    english = {}
    for action, extra, sentences in KNOWN:
        english.setdefault(action, []).append((extra, sentences[0]))
    batch = []
    for event in FeedbackEvent.objects.filter(action__in=list(english)).order_by("pk").iterator(chunk_size=2000):
        params = dict(event.params or {})
        if "channel" in params and params["channel"] in CHANNELS:
            params["channel"] = CHANNELS[params["channel"]][0]
        for extra, sentence in english[event.action]:
            needed = re.findall(r"%\((\w+)\)s", sentence)
            if all(params.get(k) == v for k, v in extra.items()) and all(k in params for k in needed):
                line = sentence % {k: params[k] for k in needed}
                event.note = "\n".join(p for p in (line, event.note) if p)
                batch.append(event)
                break
    FeedbackEvent.objects.bulk_update(batch, ["note"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0007_history_at_creation"),
        ("org", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
