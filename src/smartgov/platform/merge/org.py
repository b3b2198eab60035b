"""The platform's part of the merge archive: the agencies (matched by their electronic ID) and the staff's posts.

The administrative units are national reference data, loaded alike in both installations (``smartgov units
load``): they do not travel, and a foreign key to one travels as its generation, level and code. The locality row
stays the target's own, and so do the calendar, the audit log and the outbox. The form keys' claims (``FormClaim``)
do not travel: they live a day and protect one installation's pages.
"""

from smartgov.platform.merge.parts import MergeModel, MergePart, MergeRef
from smartgov.platform.models import AdminUnit, Agency, Position

PART = MergePart(
    models=[
        MergeModel(Agency, keys=[("code",)], compare=("name", "kind", "parent", "admin_unit")),
        MergeModel(Position, keys=[("agency", "user", "title")], compare=("is_leader", "is_primary")),
    ],
    references=[MergeRef(AdminUnit, key=("generation", "level", "code"))],
)
