import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill_about_staff(apps, schema_editor):
    """Existing items: about the staff member concerned; for an item whose ``staff`` a transfer has
    already cleared, about the first staff member its field history names."""
    Feedback = apps.get_model("feedback", "Feedback")
    HistoricalFeedback = apps.get_model("feedback", "HistoricalFeedback")
    Feedback.objects.filter(about_staff__isnull=True, staff__isnull=False).update(about_staff=models.F("staff"))
    cleared = Feedback.objects.filter(about_staff__isnull=True, staff__isnull=True)
    first: dict[int, int] = {}
    for item, staff in (HistoricalFeedback.objects.filter(id__in=cleared.values("pk"), staff__isnull=False)
                        .order_by("id", "history_date", "history_id").values_list("id", "staff_id").iterator()):
        first.setdefault(item, staff)
    alive = set(apps.get_model("org", "Staff").objects.filter(pk__in=set(first.values())).values_list("pk", flat=True))
    for item, staff in first.items():
        if staff in alive:  # history keeps the ids of deleted staff records too
            Feedback.objects.filter(pk=item, about_staff__isnull=True).update(about_staff_id=staff)


class Migration(migrations.Migration):

    dependencies = [
        ('feedback', '0002_history_baseline_pending'),
        ('org', '0002_commitment_unique_title'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='feedback',
            name='about_staff',
            field=models.ForeignKey(blank=True, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='org.staff', verbose_name='about (at intake)'),
        ),
        migrations.AddField(
            model_name='historicalfeedback',
            name='about_staff',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='org.staff', verbose_name='about (at intake)'),
        ),
        migrations.AddIndex(
            model_name='feedback',
            index=models.Index(condition=models.Q(('about_staff__isnull', False)), fields=['about_staff'], name='feedback_about_staff_idx'),
        ),
        migrations.RunPython(fill_about_staff, migrations.RunPython.noop),
    ]
