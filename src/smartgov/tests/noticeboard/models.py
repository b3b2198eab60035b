from django.conf import settings
from django.db import models


class Notice(models.Model):
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    posted_at = models.DateTimeField()

    class Meta:
        ordering = ["-posted_at"]

    def __str__(self) -> str:
        return self.title


class NoticeRead(models.Model):
    """Written by the app's event subscriber: proof that its handlers are found."""

    notice = models.OneToOneField(Notice, on_delete=models.CASCADE)

    def __str__(self) -> str:
        return str(self.notice)
