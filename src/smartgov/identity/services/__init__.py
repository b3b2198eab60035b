"""Every write of identity (docs/kernel.md §2), one module per area; the policies of who may do what are registered
beside the services they guard. Importing the package registers them all."""

from smartgov.identity.services.accounts import account_create, account_register, profile_update
from smartgov.identity.services.federation import federated_sign_in
from smartgov.identity.services.mfa import (
    recovery_codes_renew,
    second_factor_disable,
    second_factor_verify,
    totp_enrolment_confirm,
    totp_enrolment_start,
)
from smartgov.identity.services.privacy import (
    account_erase,
    consent_decide,
    data_request_cancel,
    data_request_resolve,
    data_request_submit,
    personal_data_view_record,
)
from smartgov.identity.services.roles import role_grant, role_revoke
from smartgov.identity.services.security import client_ip, security_event_record
from smartgov.identity.services.sessions import session_record, sessions_end_all, sessions_end_others
from smartgov.identity.services.verification import (
    email_verification_send,
    email_verify,
    password_reset_request,
    phone_code_send,
    phone_verify,
)

__all__ = [
    "account_create",
    "account_erase",
    "account_register",
    "client_ip",
    "consent_decide",
    "data_request_cancel",
    "data_request_resolve",
    "data_request_submit",
    "email_verification_send",
    "email_verify",
    "federated_sign_in",
    "password_reset_request",
    "personal_data_view_record",
    "phone_code_send",
    "phone_verify",
    "profile_update",
    "recovery_codes_renew",
    "role_grant",
    "role_revoke",
    "second_factor_disable",
    "second_factor_verify",
    "security_event_record",
    "session_record",
    "sessions_end_all",
    "sessions_end_others",
    "totp_enrolment_confirm",
    "totp_enrolment_start",
]
