"""The board's notices travel when two localities merge; the proof that they were read stays behind."""

from smartgov.platform.merge import MergeModel, MergePart
from smartgov.tests.noticeboard.models import Notice

PART = MergePart(models=[MergeModel(Notice, keys=[("posted_by", "posted_at", "title")])])
