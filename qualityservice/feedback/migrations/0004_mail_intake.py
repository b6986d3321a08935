# Mailbox intake: a message is known by the SHA-256 of its full Message-ID (the 255-character column
# truncated long ids into false duplicates); replies, rejected messages and the operator's review queue.

import hashlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def hash_existing_ids(apps, schema_editor):
    # Existing rows are hashed as stored (the same formula as mailbox.message_id_hash); an id that was
    # cut at 255 characters cannot be recovered.
    MailMessage = apps.get_model("feedback", "MailMessage")
    batch = []
    for row in MailMessage.objects.only("pk", "message_id").iterator(chunk_size=2000):
        row.message_id_hash = hashlib.sha256(row.message_id.encode("utf-8", "surrogateescape")).hexdigest()
        batch.append(row)
        if len(batch) >= 2000:
            MailMessage.objects.bulk_update(batch, ["message_id_hash"])
            batch = []
    if batch:
        MailMessage.objects.bulk_update(batch, ["message_id_hash"])


class Migration(migrations.Migration):

    dependencies = [
        ('feedback', '0003_about_staff'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='mailmessage',
            name='message_id_hash',
            field=models.CharField(editable=False, max_length=64, null=True, verbose_name='Message-ID hash'),
        ),
        migrations.RunPython(hash_existing_ids, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name='mailmessage',
            name='message_id_hash',
            field=models.CharField(editable=False, max_length=64, verbose_name='Message-ID hash'),
        ),
        migrations.AlterField(
            model_name='mailmessage',
            name='message_id',
            field=models.CharField(max_length=255, verbose_name='Message-ID'),
        ),
        migrations.AddConstraint(
            model_name='mailmessage',
            constraint=models.UniqueConstraint(fields=('message_id_hash',), name='feedback_mail_message_id_hash_unique'),
        ),
        migrations.AddField(
            model_name='mailmessage',
            name='needs_review',
            field=models.BooleanField(default=False, verbose_name='to review'),
        ),
        migrations.AddField(
            model_name='mailmessage',
            name='reviewed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='reviewed'),
        ),
        migrations.AddField(
            model_name='mailmessage',
            name='reviewed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewed by'),
        ),
        migrations.AddField(
            model_name='mailmessage',
            name='size',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='size (bytes)'),
        ),
        migrations.AlterField(
            model_name='mailmessage',
            name='outcome',
            field=models.CharField(choices=[('imported', 'Imported'), ('reply', 'Reply added to an item'), ('skipped', 'Skipped (auto-reply or bounce)'), ('rejected', 'Rejected (unreadable)'), ('failed', 'Failed')], max_length=10, verbose_name='outcome'),
        ),
        migrations.AddIndex(
            model_name='mailmessage',
            index=models.Index(fields=['-received_at'], name='feedback_mail_received_idx'),
        ),
        migrations.AddIndex(
            model_name='mailmessage',
            index=models.Index(condition=models.Q(('needs_review', True)), fields=['-received_at'], name='feedback_mail_review_idx'),
        ),
    ]
