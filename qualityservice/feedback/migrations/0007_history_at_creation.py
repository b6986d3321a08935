from django.db import migrations


def write_pending_baselines(apps, schema_editor):
    """Items still waiting for their first history row (never changed since they were received) get it
    now, as they were received: "+", at their creation time, by whoever logged them."""
    Feedback = apps.get_model("feedback", "Feedback")
    Historical = apps.get_model("feedback", "HistoricalFeedback")
    source = {f.attname for f in Feedback._meta.concrete_fields}
    copied = [f.attname for f in Historical._meta.concrete_fields if f.attname in source]
    batch = []
    for row in Feedback.objects.filter(history_baseline_pending=True).order_by("pk").iterator(chunk_size=2000):
        batch.append(Historical(**{name: getattr(row, name) for name in copied}, history_date=row.created_at,
                                history_type="+", history_user_id=row.created_by_id))
        if len(batch) >= 2000:
            Historical.objects.bulk_create(batch)
            batch = []
    Historical.objects.bulk_create(batch)


class Migration(migrations.Migration):
    """A new item's first history row is now written with the item (services.create_record), no longer
    at its first change: the rows still pending are written, and the flag that deferred them goes."""

    dependencies = [
        ("feedback", "0006_submission_key_field"),
    ]

    operations = [
        migrations.RunPython(write_pending_baselines, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="feedback",
            name="history_baseline_pending",
        ),
    ]
