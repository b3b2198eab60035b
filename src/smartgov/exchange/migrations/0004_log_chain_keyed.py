"""The message log's keyed chain: where the legacy (SHA-256) records end, and the id of the anchor record.

``legacy_last_id`` stays empty until the first ingest under the key sets it to the last record chained before;
``anchor_id`` of a log already archived is taken as just before its first remaining record.
"""

from typing import Any

from django.db import migrations, models


def anchor_ids(apps: Any, schema_editor: Any) -> None:
    head_model = apps.get_model("exchange", "LogChainHead")
    record_model = apps.get_model("exchange", "MessageRecord")
    for head in head_model.objects.exclude(anchor="0" * 64):
        first = record_model.objects.order_by("id").values_list("id", flat=True).first()
        head.anchor_id = (first - 1) if first is not None else head.last_id
        head.save(update_fields=["anchor_id"])


class Migration(migrations.Migration):
    dependencies = [("exchange", "0003_batch_timestamps")]

    operations = [
        migrations.AddField(model_name="logchainhead", name="anchor_id", field=models.BigIntegerField(default=0)),
        migrations.AddField(
            model_name="logchainhead", name="legacy_last_id", field=models.BigIntegerField(blank=True, null=True)
        ),
        migrations.RunPython(anchor_ids, migrations.RunPython.noop),
    ]
