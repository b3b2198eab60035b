"""Deliveries become a kind of the platform's delivery engine: ``sent_at`` is ``done_at``, the states ``sent`` and
``failed`` are ``done`` and ``dead``, and ``next_at`` (from ``created_at``) and a lease join them. Existing rows keep
their data."""

import django.utils.timezone
from django.db import migrations, models

STATES = {"sent": "done", "failed": "dead"}


def states_forward(apps, schema_editor):
    delivery = apps.get_model("notifications", "Delivery")
    for old, new in STATES.items():
        delivery.objects.filter(state=old).update(state=new)
    delivery.objects.update(next_at=models.F("created_at"))


def states_backward(apps, schema_editor):
    delivery = apps.get_model("notifications", "Delivery")
    for old, new in STATES.items():
        delivery.objects.filter(state=new).update(state=old)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="delivery", old_name="sent_at", new_name="done_at"),
        migrations.AlterField(
            model_name="delivery",
            name="done_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="done at"),
        ),
        migrations.AlterField(
            model_name="delivery",
            name="state",
            field=models.CharField(
                choices=[("pending", "Waiting"), ("done", "Done"), ("dead", "Dead letter")],
                default="pending",
                max_length=10,
                verbose_name="state",
            ),
        ),
        migrations.AlterField(
            model_name="delivery",
            name="attempts",
            field=models.PositiveIntegerField(default=0, verbose_name="attempts"),
        ),
        migrations.AlterField(
            model_name="delivery",
            name="last_error",
            field=models.TextField(blank=True, verbose_name="last error"),
        ),
        migrations.AddField(
            model_name="delivery",
            name="next_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="next attempt"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="delivery",
            name="lease_until",
            field=models.DateTimeField(blank=True, null=True, verbose_name="claimed until"),
        ),
        migrations.RunPython(states_forward, states_backward),
        migrations.RemoveIndex(model_name="delivery", name="delivery_state_idx"),
        migrations.AddIndex(
            model_name="delivery",
            index=models.Index(fields=["state", "next_at"], name="notifications_delivery_due"),
        ),
    ]
