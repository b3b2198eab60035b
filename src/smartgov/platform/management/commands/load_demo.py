"""``smartgov load_demo``: load the Hai Phong demo data (idempotent) and print the demo logins."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from smartgov.platform.demo import demo_load


class Command(BaseCommand):
    help = "Load the Hai Phong demo: administrative units, calendar, agencies, staff and citizen accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Load even when DEBUG is off (never on a real installation)."
        )
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "Refusing to load demo accounts with DEBUG off: this looks like a real installation. "
                "Use --force only on a throw-away system."
            )
        console = Console()
        report = demo_load(progress=options["verbosity"] > 0)
        summary = ", ".join(f"{step} {count}" for step, count in report.steps.items())
        if report.changed:
            console.print(f"[green]Demo data loaded[/green] (changes: {summary}).")
        else:
            console.print("Demo data already loaded: nothing changed.")
        if options["quiet_logins"]:
            return
        table = Table(title="Demo logins (tài khoản dùng thử)")
        table.add_column("Username / Tên đăng nhập")
        table.add_column("Who / Vai trò")
        table.add_column("Password / Mật khẩu")
        for username, who, password in report.logins:
            table.add_row(username, who, password)
        console.print(table)
        console.print(
            f"Sign in at {settings.SMARTGOV_SITE_URL}/dang-nhap/ (citizens with the 12-digit ID, businesses with the "
            "tax code). Staff set up an authenticator app (TOTP) at their first sign-in; the admin is at /admin/."
        )
