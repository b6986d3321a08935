"""Timeline rows that stored a finished sentence (written in the actor's language) become an action and
its parameters, rendered in the reader's language: "Found in inspection “…”.", "Found by a correction: …"
and "Overdue: escalated to the supervisor.", in English or in Chinese. Other notes are left as they are."""

import re

from django.db import migrations

# (action, parameter, the sentences as they were written: English source and Chinese translation)
KNOWN = [
    ("found", "title", ["Found in inspection “%(title)s”.", "在检查“%(title)s”中发现。"]),
    ("found_by_correction", "reason", ["Found by a correction: %(reason)s", "更正时发现：%(reason)s"]),
    ("escalated", None, ["Overdue: escalated to the supervisor.", "已逾期：已提交督查员督办。"]),
]


def _pattern(sentence, param):
    if param is None:
        return re.compile(re.escape(sentence) + r"\Z")
    before, after = sentence.split(f"%({param})s")
    return re.compile(re.escape(before) + r"(?P<value>.*)" + re.escape(after) + r"\Z", re.DOTALL)


PATTERNS = [(action, param, _pattern(s, param)) for action, param, sentences in KNOWN for s in sentences]


def forwards(apps, schema_editor):
    FindingEvent = apps.get_model("inspections", "FindingEvent")
    batch = []
    for event in FindingEvent.objects.filter(action="").exclude(note="").order_by("pk").iterator(chunk_size=2000):
        for action, param, pattern in PATTERNS:
            match = pattern.match(event.note)
            if match:
                event.action, event.params, event.note = action, {param: match["value"]} if param else {}, ""
                batch.append(event)
                break
        if len(batch) >= 2000:
            FindingEvent.objects.bulk_update(batch, ["action", "params", "note"])
            batch = []
    FindingEvent.objects.bulk_update(batch, ["action", "params", "note"])


def backwards(apps, schema_editor):
    """Back to the English sentences (the language the rows were written in is not kept)."""
    FindingEvent = apps.get_model("inspections", "FindingEvent")
    english = {action: (param, sentences[0]) for action, param, sentences in KNOWN}
    batch = []
    for event in FindingEvent.objects.filter(action__in=list(english)).order_by("pk").iterator(chunk_size=2000):
        param, sentence = english[event.action]
        event.note = sentence % {param: (event.params or {}).get(param, "")} if param else sentence
        event.action, event.params = "", {}
        batch.append(event)
    FindingEvent.objects.bulk_update(batch, ["action", "params", "note"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0006_english_checklists")]

    operations = [migrations.RunPython(forwards, backwards)]
