"""The audit log is append-only at the database: triggers refuse UPDATE, DELETE and TRUNCATE.

One exception: the hash of a just-inserted row ("pending:…") is filled in once, in the same transaction.
``smartgov.platform.services.audit.audit_maintenance()`` opens the guard for one connection (test flush,
archive jobs).
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE TABLE IF NOT EXISTS platform_auditguard (id integer PRIMARY KEY, open integer NOT NULL DEFAULT 0)",
    """CREATE TRIGGER platform_auditentry_no_update BEFORE UPDATE ON platform_auditentry
       WHEN OLD.hash NOT LIKE 'pending:%' AND coalesce((SELECT open FROM platform_auditguard WHERE id = 1), 0) = 0
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER platform_auditentry_no_delete BEFORE DELETE ON platform_auditentry
       WHEN coalesce((SELECT open FROM platform_auditguard WHERE id = 1), 0) = 0
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS platform_auditentry_no_update",
    "DROP TRIGGER IF EXISTS platform_auditentry_no_delete",
    "DROP TABLE IF EXISTS platform_auditguard",
]
POSTGRES_FORWARD = [
    """CREATE OR REPLACE FUNCTION platform_audit_append_only() RETURNS trigger AS $$
    BEGIN
      IF current_setting('smartgov.audit_maintenance', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
      END IF;
      IF TG_OP = 'UPDATE' AND OLD.hash LIKE 'pending:%' THEN RETURN NEW; END IF;
      RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'insufficient_privilege';
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER platform_auditentry_append_only BEFORE UPDATE OR DELETE ON platform_auditentry
       FOR EACH ROW EXECUTE FUNCTION platform_audit_append_only()""",
    """CREATE TRIGGER platform_auditentry_no_truncate BEFORE TRUNCATE ON platform_auditentry
       FOR EACH STATEMENT EXECUTE FUNCTION platform_audit_append_only()""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS platform_auditentry_no_truncate ON platform_auditentry",
    "DROP TRIGGER IF EXISTS platform_auditentry_append_only ON platform_auditentry",
    "DROP FUNCTION IF EXISTS platform_audit_append_only()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("platform", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
