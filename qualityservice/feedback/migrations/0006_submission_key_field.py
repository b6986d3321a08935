from django.db import migrations

import qualityservice.core.submissions


def _key_field(model_name, **kwargs):
    return migrations.AlterField(model_name=model_name, name="submission_key",
                                 field=qualityservice.core.submissions.SubmissionKeyField(**kwargs))


class Migration(migrations.Migration):
    """The submission keys become core's SubmissionKeyField: the same column (varchar(64), NULL, unique;
    indexed, not unique, in the history table), so only the migration state changes — no SQL, no table
    rebuild on SQLite."""

    dependencies = [
        ("feedback", "0005_workflow_engine"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                _key_field("callbackattempt"),
                _key_field("feedback"),
                _key_field("historicalfeedback", db_index=True, unique=False),
                _key_field("rating"),
                _key_field("reply"),
            ],
            database_operations=[],
        ),
    ]
