import environ

env = environ.Env()

SMARTGOV_NOTICEBOARD_PAGE_SIZE = env.int("SMARTGOV_NOTICEBOARD_PAGE_SIZE", default=20)

SCHEDULE = {"noticeboard-tidy": {"task": "smartgov.tests.noticeboard.tasks.tidy", "schedule": 3600.0}}
