from django.db import migrations, models


class Migration(migrations.Migration):
    """Timeline events keep the parameters of the move (core.workflow.Move.params)."""

    dependencies = [
        ("feedback", "0004_mail_intake"),
    ]

    operations = [
        migrations.AddField(
            model_name="feedbackevent",
            name="params",
            field=models.JSONField(blank=True, default=dict, verbose_name="parameters"),
        ),
    ]
