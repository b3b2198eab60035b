"""identity's factories make valid accounts (the model's own validation passes), with the tests' password, and roles
granted through the service (audited)."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from smartgov.identity import authz
from smartgov.platform.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_accounts_are_valid_and_sign_in_with_the_password(citizen_account, business_account, staff_account, password):
    for account in (citizen_account, business_account, staff_account):
        account.full_clean()
        assert account.check_password(password)
    assert (citizen_account.kind, citizen_account.username) == ("citizen", citizen_account.personal_id)
    assert (business_account.kind, business_account.username) == ("business", business_account.tax_code)
    assert staff_account.kind == "staff"
    assert TOTPDevice.objects.get(user=staff_account).confirmed


def test_each_account_is_new(identity_factories):
    first, second = identity_factories.Citizen(), identity_factories.Citizen()
    assert first.personal_id != second.personal_id and first.phone != second.phone


def test_a_granted_role_is_held_and_audited(staff_account, grant_role):
    grant_role(staff_account, "platform_admin")
    assert authz.administers_platform(staff_account)
    assert AuditEntry.objects.filter(action="identity.role.grant").count() == 1


def test_every_business_the_factory_makes_has_a_valid_tax_code():
    from stdnum.vn import mst

    from smartgov.identity.tests.factories import _tax_code

    codes = [_tax_code(n) for n in range(1, 3000)]  # serial 5 has no valid check digit, for one
    assert all(mst.is_valid(code) for code in codes) and len(set(codes)) == len(codes)
