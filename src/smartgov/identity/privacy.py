"""Kept for callers outside identity until they move to ``identity.services`` and ``identity.selectors``: the
personal-data functions they import from here. Identity itself does not use this module."""

from smartgov.identity.domain.privacy import PURPOSES
from smartgov.identity.selectors.privacy import has_consent
from smartgov.identity.services.privacy import personal_data_view_record

__all__ = ["PURPOSES", "has_consent", "personal_data_view_record"]
