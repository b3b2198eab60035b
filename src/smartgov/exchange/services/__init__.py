"""Every write of the data-exchange gateway (docs/kernel.md §2), one module per area:

- ``registry``: members, subsystems, services and their endpoints, access rights, client groups, API keys and
  certificates (re-exported here: ``from smartgov.exchange import services as ex; ex.member_register(...)``);
- ``events``: cross-agency topics, subscriptions, publishing and the webhook deliveries;
- ``messagelog``: the message log's journal taken into the database, signed batches, archive;
- ``client``: the platform's own calls through the gateway (``GatewayClient``).
"""

from smartgov.exchange.registry import registry_forget
from smartgov.exchange.services.registry import (
    METHODS,
    RESERVED,
    access_grant,
    access_revoke,
    api_key_issue,
    api_key_revoke,
    certificate_files_write,
    certificate_issue,
    certificate_renew,
    certificate_revoke,
    client_text,
    group_add,
    member_register,
    service_enable,
    service_register,
    subsystem_register,
)

__all__ = [
    "METHODS",
    "RESERVED",
    "access_grant",
    "access_revoke",
    "api_key_issue",
    "api_key_revoke",
    "certificate_files_write",
    "certificate_issue",
    "certificate_renew",
    "certificate_revoke",
    "client_text",
    "group_add",
    "member_register",
    "registry_forget",
    "service_enable",
    "service_register",
    "subsystem_register",
]
