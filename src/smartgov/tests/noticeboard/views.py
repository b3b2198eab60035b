from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from smartgov.tests.noticeboard.selectors import notices_recent
from smartgov.tests.noticeboard.services import notice_post


def board(request: HttpRequest) -> HttpResponse:
    notices = notices_recent(limit=int(getattr(settings, "SMARTGOV_NOTICEBOARD_PAGE_SIZE", 20)))
    return render(request, "noticeboard/board.html", {"notices": notices})


def post(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        notice_post(actor=request.user, title=request.POST.get("title", ""), body=request.POST.get("body", ""))
        return redirect("noticeboard:board")
    return render(request, "noticeboard/board.html", {"notices": [], "posting": True})
