"""Event deliveries become a kind of the platform's delivery engine (``delivered_at`` is ``done_at``, the state
``delivered`` is ``done``, a lease joins them), and subscriptions' secrets take the Standard Webhooks form: an
existing secret ``s`` becomes ``whsec_`` + base64(``s``), the same key. Existing rows keep their data."""

import base64

from django.db import migrations, models


def forward(apps, schema_editor):
    delivery = apps.get_model("exchange", "EventDelivery")
    delivery.objects.filter(state="delivered").update(state="done")
    subscription = apps.get_model("exchange", "Subscription")
    for row in subscription.objects.exclude(secret__startswith="whsec_"):
        row.secret = "whsec_" + base64.b64encode(row.secret.encode()).decode()
        row.save(update_fields=["secret"])


def backward(apps, schema_editor):
    delivery = apps.get_model("exchange", "EventDelivery")
    delivery.objects.filter(state="done").update(state="delivered")


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0004_log_chain_keyed"),
    ]

    operations = [
        migrations.RenameField(model_name="eventdelivery", old_name="delivered_at", new_name="done_at"),
        migrations.AlterField(
            model_name="eventdelivery",
            name="done_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="done at"),
        ),
        migrations.AlterField(
            model_name="eventdelivery",
            name="state",
            field=models.CharField(
                choices=[("pending", "Waiting"), ("done", "Done"), ("dead", "Dead letter")],
                default="pending",
                max_length=10,
                verbose_name="state",
            ),
        ),
        migrations.AlterField(
            model_name="eventdelivery",
            name="next_at",
            field=models.DateTimeField(verbose_name="next attempt"),
        ),
        migrations.AlterField(
            model_name="eventdelivery",
            name="last_error",
            field=models.TextField(blank=True, verbose_name="last error"),
        ),
        migrations.AddField(
            model_name="eventdelivery",
            name="lease_until",
            field=models.DateTimeField(blank=True, null=True, verbose_name="claimed until"),
        ),
        migrations.RenameIndex(
            model_name="eventdelivery", new_name="exchange_eventdelivery_due", old_name="eventdelivery_due_idx"
        ),
        migrations.AlterField(
            model_name="subscription",
            name="secret",
            field=models.CharField(max_length=100),
        ),
        migrations.RunPython(forward, backward),
    ]
