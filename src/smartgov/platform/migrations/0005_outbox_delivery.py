"""The outbox becomes a kind of the delivery engine: ``available_at`` is ``next_at``, ``delivered_at`` is
``done_at``, and a state (pending, done, dead) and a lease join them. Existing rows keep their data: delivered
events are ``done``, the others ``pending``."""

from django.db import migrations, models


def states_from_delivered_at(apps, schema_editor):
    event = apps.get_model("platform", "OutboxEvent")
    event.objects.filter(done_at__isnull=False).update(state="done")


class Migration(migrations.Migration):
    dependencies = [
        ("platform", "0004_audit_chains"),
    ]

    operations = [
        migrations.RenameField(model_name="outboxevent", old_name="available_at", new_name="next_at"),
        migrations.RenameField(model_name="outboxevent", old_name="delivered_at", new_name="done_at"),
        migrations.AlterField(
            model_name="outboxevent",
            name="next_at",
            field=models.DateTimeField(verbose_name="next attempt"),
        ),
        migrations.AlterField(
            model_name="outboxevent",
            name="done_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="done at"),
        ),
        migrations.AddField(
            model_name="outboxevent",
            name="state",
            field=models.CharField(
                choices=[("pending", "Waiting"), ("done", "Done"), ("dead", "Dead letter")],
                default="pending",
                max_length=10,
                verbose_name="state",
            ),
        ),
        migrations.AddField(
            model_name="outboxevent",
            name="lease_until",
            field=models.DateTimeField(blank=True, null=True, verbose_name="claimed until"),
        ),
        migrations.RunPython(states_from_delivered_at, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="outboxevent",
            index=models.Index(fields=["state", "next_at"], name="platform_outboxevent_due"),
        ),
        migrations.AddIndex(
            model_name="outboxevent",
            index=models.Index(fields=["aggregate_type", "aggregate_id", "occurred_at"], name="outboxevent_aggregate"),
        ),
    ]
