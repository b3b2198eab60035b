"""The audit log's append-only guard: database triggers that no row write can switch off.

- **PostgreSQL:** UPDATE, DELETE and TRUNCATE of ``platform_auditentry`` are refused unless the session's role
  is a member of ``smartgov_audit_maintainer`` *and* has set ``smartgov.audit_maintenance`` to ``on`` (so a
  superuser running the application does not open it by accident). The application's own role is no member and
  holds no UPDATE, DELETE or TRUNCATE privilege on the table (``smartgov db grants``); it does not own the table,
  so it cannot drop or disable the triggers either.
- **SQLite:** the triggers allow no exception. Maintenance (the test suite's flush) drops them and creates them
  again: that is DDL on the database file, not a row write.

Used by migration ``0004`` and by ``services.audit.audit_maintenance()``.
"""

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "platform_auditentry"
MAINTAINER_ROLE = "smartgov_audit_maintainer"
MAINTENANCE_SETTING = "smartgov.audit_maintenance"

SQLITE_INSTALL = [
    """CREATE TRIGGER IF NOT EXISTS platform_auditentry_no_update BEFORE UPDATE ON platform_auditentry
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS platform_auditentry_no_delete BEFORE DELETE ON platform_auditentry
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]
SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS platform_auditentry_no_update",
    "DROP TRIGGER IF EXISTS platform_auditentry_no_delete",
]

POSTGRES_INSTALL = [
    # The role may exist already (roles belong to the whole cluster), and creating it needs CREATEROLE: without
    # that right the migration goes on, and nobody can open the guard until an administrator creates the role.
    f"""DO $$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{MAINTAINER_ROLE}') THEN
        CREATE ROLE {MAINTAINER_ROLE} NOLOGIN;
      END IF;
    EXCEPTION WHEN insufficient_privilege OR duplicate_object OR unique_violation THEN
      RAISE NOTICE 'role {MAINTAINER_ROLE} not created: create it as the database administrator';
    END $$""",  # nosec B608  # the names are this module's constants
    f"""CREATE OR REPLACE FUNCTION platform_audit_append_only() RETURNS trigger AS $$
    BEGIN
      IF current_setting('{MAINTENANCE_SETTING}', true) = 'on'
         AND EXISTS (SELECT FROM pg_roles WHERE rolname = '{MAINTAINER_ROLE}')
         AND pg_has_role(current_user, '{MAINTAINER_ROLE}', 'MEMBER') THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
      END IF;
      RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'insufficient_privilege';
    END $$ LANGUAGE plpgsql""",  # nosec B608  # the names are this module's constants
    "DROP TRIGGER IF EXISTS platform_auditentry_append_only ON platform_auditentry",
    "DROP TRIGGER IF EXISTS platform_auditentry_no_truncate ON platform_auditentry",
    """CREATE TRIGGER platform_auditentry_append_only BEFORE UPDATE OR DELETE ON platform_auditentry
       FOR EACH ROW EXECUTE FUNCTION platform_audit_append_only()""",
    """CREATE TRIGGER platform_auditentry_no_truncate BEFORE TRUNCATE ON platform_auditentry
       FOR EACH STATEMENT EXECUTE FUNCTION platform_audit_append_only()""",
]
POSTGRES_UNINSTALL = [
    "DROP TRIGGER IF EXISTS platform_auditentry_no_truncate ON platform_auditentry",
    "DROP TRIGGER IF EXISTS platform_auditentry_append_only ON platform_auditentry",
    "DROP FUNCTION IF EXISTS platform_audit_append_only()",
]


def guard_install(connection: BaseDatabaseWrapper) -> None:
    statements = {"sqlite": SQLITE_INSTALL, "postgresql": POSTGRES_INSTALL}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def guard_uninstall(connection: BaseDatabaseWrapper) -> None:
    statements = {"sqlite": SQLITE_UNINSTALL, "postgresql": POSTGRES_UNINSTALL}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
