"""The English text of the three shipped checklists (六查六看, kitchen hygiene, dormitory) for installs that
have them already, and the English problem of the findings copied from their items before there was one."""

from django.db import migrations


def _item_problem_en(section, item, note):
    # As Finding.item_problem at the time of this migration (kept here so later changes do not alter it).
    if not (section.title_en or item.text_en):
        return ""
    return f"{section.title_en or section.title} · {item.text_en or item.text}" + (f": {note}" if note else "")


def forwards(apps, schema_editor):
    from qualityservice.inspections.checklists import translate

    translate(
        apps.get_model("inspections", "ChecklistTemplate"),
        apps.get_model("inspections", "ChecklistSection"),
        apps.get_model("inspections", "ChecklistItem"),
    )
    Finding = apps.get_model("inspections", "Finding")
    pending = (Finding.objects.filter(source="item", answer__isnull=False, problem_en="")
               .select_related("answer__item__section").order_by("pk"))
    batch = []
    for finding in pending.iterator(chunk_size=2000):
        answer = finding.answer
        item, section = answer.item, answer.item.section
        chinese = f"{section.title} · {item.text}" + (f"：{answer.note}" if answer.note else "")
        if finding.problem != chinese:  # not the copy of its item (edited, or written otherwise): left as it is
            continue
        finding.problem_en = _item_problem_en(section, item, answer.note)
        if finding.problem_en:
            batch.append(finding)
        if len(batch) >= 2000:
            Finding.objects.bulk_update(batch, ["problem_en"])
            batch = []
    Finding.objects.bulk_update(batch, ["problem_en"])


class Migration(migrations.Migration):
    dependencies = [("inspections", "0005_english_text")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
