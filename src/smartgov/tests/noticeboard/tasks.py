from celery import shared_task


@shared_task(name="smartgov.tests.noticeboard.tasks.tidy", ignore_result=True)
def tidy() -> int:
    return 0
