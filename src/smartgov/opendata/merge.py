"""The open data portal's part of the merge archive (docs/merge.md): themes, tags and datasets matched by name (a
dataset's name is its address, unique in a portal; a dataset both localities publish under one name stays the
target's, another owner is a conflict, reported), with their tags, themes, extras and resources. Uploaded files
travel with the media folder, which the operator copies."""

from smartgov.opendata.models import Dataset, DatasetExtra, Group, Resource, Tag
from smartgov.platform.merge import MergeModel, MergePart

PART = MergePart(
    models=[
        MergeModel(Group, keys=[("name",)]),
        MergeModel(Tag, keys=[("name",)]),
        MergeModel(Dataset, keys=[("name",)], compare=("owner",)),
        MergeModel(Dataset.tags.through, keys=[("dataset", "tag")]),
        MergeModel(Dataset.groups.through, keys=[("dataset", "group")]),
        MergeModel(DatasetExtra, keys=[("dataset", "key")]),
        MergeModel(Resource, keys=[("uuid",)], compare=("dataset",)),
    ],
    version=1,
)
