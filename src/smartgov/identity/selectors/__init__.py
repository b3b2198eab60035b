"""Every read of identity (docs/kernel.md §2), one module per area. Other apps use the account type and
``user_get`` from here."""

from smartgov.identity.selectors.accounts import User, account_for_identifier, user_get, user_get_by_username
from smartgov.identity.selectors.mfa import has_second_factor, recovery_codes_left, security_events_recent
from smartgov.identity.selectors.privacy import (
    consent_state,
    data_request_for_staff,
    data_requests_for_staff,
    data_requests_of,
    has_consent,
    my_data_export,
    personal_data_accesses_of,
)
from smartgov.identity.selectors.sessions import session_list
from smartgov.identity.validators import mask_person_name, mask_personal_id

__all__ = [
    "User",
    "account_for_identifier",
    "consent_state",
    "data_request_for_staff",
    "data_requests_for_staff",
    "data_requests_of",
    "has_consent",
    "has_second_factor",
    "mask_person_name",
    "mask_personal_id",
    "my_data_export",
    "personal_data_accesses_of",
    "recovery_codes_left",
    "security_events_recent",
    "session_list",
    "user_get",
    "user_get_by_username",
]
