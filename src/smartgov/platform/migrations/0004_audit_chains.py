"""Partitioned, keyed audit chains, and a guard without a switch.

- ``AuditEntry`` gains ``chain`` and ``seq``; existing rows keep theirs empty: they are the legacy chain
  (SHA-256, by id), never rewritten, ending where ``AuditChainHead`` (renamed ``AuditLegacyHead``) says.
- ``AuditChain``: one head per chain, created by the first append.
- The guard: the ``platform_auditguard`` switch table (SQLite) and the pending-hash exception are gone; see
  ``smartgov.platform.auditguard``. On SQLite the table is rebuilt here (a constraint is added), so the old
  triggers are dropped first and the new ones created last.
"""

from typing import Any

from django.db import migrations, models

from smartgov.platform import auditguard

OLD_SQLITE_GUARD = [
    "CREATE TABLE IF NOT EXISTS platform_auditguard (id integer PRIMARY KEY, open integer NOT NULL DEFAULT 0)",
    """CREATE TRIGGER IF NOT EXISTS platform_auditentry_no_update BEFORE UPDATE ON platform_auditentry
       WHEN OLD.hash NOT LIKE 'pending:%' AND coalesce((SELECT open FROM platform_auditguard WHERE id = 1), 0) = 0
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS platform_auditentry_no_delete BEFORE DELETE ON platform_auditentry
       WHEN coalesce((SELECT open FROM platform_auditguard WHERE id = 1), 0) = 0
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]
OLD_POSTGRES_FUNCTION = """CREATE OR REPLACE FUNCTION platform_audit_append_only() RETURNS trigger AS $$
    BEGIN
      IF current_setting('smartgov.audit_maintenance', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
      END IF;
      IF TG_OP = 'UPDATE' AND OLD.hash LIKE 'pending:%' THEN RETURN NEW; END IF;
      RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'insufficient_privilege';
    END $$ LANGUAGE plpgsql"""


def _execute(schema_editor: Any, statements: list[str]) -> None:
    for statement in statements:
        schema_editor.execute(statement, params=None)


def old_guard_remove(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        _execute(schema_editor, [*auditguard.SQLITE_UNINSTALL, "DROP TABLE IF EXISTS platform_auditguard"])


def old_guard_restore(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        _execute(schema_editor, OLD_SQLITE_GUARD)


def new_guard_install(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    _execute(schema_editor, {"sqlite": auditguard.SQLITE_INSTALL, "postgresql": auditguard.POSTGRES_INSTALL}.get(vendor, []))


def new_guard_remove(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _execute(schema_editor, auditguard.SQLITE_UNINSTALL)
    elif vendor == "postgresql":
        _execute(schema_editor, [OLD_POSTGRES_FUNCTION])


class Migration(migrations.Migration):
    dependencies = [("platform", "0003_calendarday_name_en")]

    operations = [
        migrations.RunPython(old_guard_remove, old_guard_restore),
        migrations.RenameModel("AuditChainHead", "AuditLegacyHead"),
        migrations.AlterModelOptions(name="auditlegacyhead", options={"verbose_name": "legacy audit chain head"}),
        migrations.AddField(
            model_name="auditentry",
            name="chain",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="chain"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="seq",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="sequence number"),
        ),
        migrations.AlterField(model_name="auditentry", name="hash", field=models.CharField(max_length=64)),
        migrations.CreateModel(
            name="AuditChain",
            fields=[
                ("id", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ("seq", models.BigIntegerField(default=0)),
                ("last_hash", models.CharField(default="0" * 64, max_length=64)),
                ("anchor_seq", models.BigIntegerField(default=0)),
                ("anchor_hash", models.CharField(default="0" * 64, max_length=64)),
            ],
            options={"verbose_name": "audit chain"},
        ),
        migrations.AddConstraint(
            model_name="auditentry",
            constraint=models.UniqueConstraint(fields=("chain", "seq"), name="auditentry_chain_seq"),
        ),
        migrations.RunPython(new_guard_install, new_guard_remove),
    ]
