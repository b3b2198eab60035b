"""``smartgov export_openapi``: print the OpenAPI document of /api/v1/ (stable, for the committed snapshot)."""

import json
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation


class Command(BaseCommand):
    help = "Print the OpenAPI document of the platform's JSON API (make openapi writes docs/api/openapi.json)."

    def handle(self, *args: Any, **options: Any) -> None:
        from smartgov.platform.api.site import api

        with translation.override("en"):
            schema = api.get_openapi_schema()
        self.stdout.write(json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False))
