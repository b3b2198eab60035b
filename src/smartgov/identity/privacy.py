"""Kept for callers outside identity until they move to ``identity.services``: the personal-data function they import
from here. Identity itself does not use this module."""

from smartgov.identity.services.privacy import personal_data_view_record

__all__ = ["personal_data_view_record"]
