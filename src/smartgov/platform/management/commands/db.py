"""``smartgov db grants --role APP_ROLE``: the rights of the application's PostgreSQL role.

Run it as the role that owns the tables (the one migrations run as) or as an administrator, after every
``migrate``. The application's role gets SELECT, INSERT, UPDATE and DELETE on every table of the schema, and
on the append-only tables (the audit log) SELECT and INSERT only; tables created later get the same through
default privileges (run the command again after migrating all the same: it takes the append-only rights away).
The role must own nothing, be no superuser and no member of the owner or of ``smartgov_audit_maintainer``:
the command refuses such a role, because it could switch the audit log's guard off.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from smartgov.platform.auditguard import MAINTAINER_ROLE, TABLE

#: Tables whose rows are never changed or removed by the application.
APPEND_ONLY_TABLES = (TABLE,)
APPEND_ONLY_REFUSED = ("UPDATE", "DELETE", "TRUNCATE")


def _one(sql: str, params: list[Any]) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def grants_statements(role: str) -> list[str]:
    """The statements that give ``role`` the application's rights (after checking it may have them)."""
    schema = _one("SELECT current_schema()", [])
    owner = _one("SELECT tableowner FROM pg_tables WHERE schemaname = %s AND tablename = %s", [schema, TABLE])
    if owner is None:
        raise CommandError(f"no table {TABLE} in schema {schema}: run `smartgov migrate` first")
    found = _one("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
    if found is None:
        raise CommandError(f"no role {role!r}: create it first (CREATE ROLE {role} LOGIN PASSWORD '…')")
    if found:
        raise CommandError(f"{role} is a superuser: superusers pass every privilege check, and may drop triggers")
    if role == owner or _one("SELECT pg_has_role(%s, %s, 'MEMBER')", [role, owner]):
        raise CommandError(
            f"{role} owns the tables (or belongs to their owner {owner}): an owner can drop the audit log's "
            "triggers. Run migrations as another role."
        )
    maintainer = _one("SELECT 1 FROM pg_roles WHERE rolname = %s", [MAINTAINER_ROLE])
    if maintainer and _one("SELECT pg_has_role(%s, %s, 'MEMBER')", [role, MAINTAINER_ROLE]):
        raise CommandError(f"{role} is a member of {MAINTAINER_ROLE}: it could open the audit log's guard")
    q = connection.ops.quote_name
    statements = [
        f"GRANT USAGE ON SCHEMA {q(schema)} TO {q(role)}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {q(schema)} TO {q(role)}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {q(schema)} TO {q(role)}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {q(owner)} IN SCHEMA {q(schema)} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {q(role)}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {q(owner)} IN SCHEMA {q(schema)} "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {q(role)}",
    ]
    statements += [
        f"REVOKE {', '.join(APPEND_ONLY_REFUSED)}, TRIGGER, REFERENCES ON {q(schema)}.{q(table)} FROM {q(role)}"
        for table in APPEND_ONLY_TABLES
    ]
    return statements


def grants_problems(role: str) -> list[str]:
    """What ``role`` may still do to the append-only tables (through PUBLIC or a role it belongs to)."""
    schema = _one("SELECT current_schema()", [])
    problems = []
    for table in APPEND_ONLY_TABLES:
        for privilege in APPEND_ONLY_REFUSED:
            if _one("SELECT has_table_privilege(%s, %s, %s)", [role, f"{schema}.{table}", privilege]):
                problems.append(f"{role} still has {privilege} on {table} (through PUBLIC or a role it belongs to)")
    return problems


class Command(BaseCommand):
    help = "The database roles: grant the application's role its rights (append-only on the audit log)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        grants = sub.add_parser("grants", help="Grant the application's role its rights on every table.")
        grants.add_argument("--role", required=True, help="the PostgreSQL role the web tier and workers log in as")
        grants.add_argument("--dry-run", action="store_true", help="print the statements, run nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("database roles exist on PostgreSQL only (SQLite relies on its triggers)")
        role = options["role"]
        statements = grants_statements(role)
        if options["dry_run"]:
            for statement in statements:
                self.stdout.write(statement + ";")
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        if problems := grants_problems(role):
            raise CommandError("; ".join(problems))
        self.stdout.write(
            f"{role}: SELECT, INSERT, UPDATE, DELETE on every table; SELECT, INSERT only on "
            f"{', '.join(APPEND_ONLY_TABLES)}."
        )
