from smartgov.platform import contract


class NoticeboardConfig(contract.AppContract):
    name = "smartgov.tests.noticeboard"
    label = "noticeboard"
    verbose_name = "Notice board"
