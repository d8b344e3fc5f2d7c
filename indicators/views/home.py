from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from planning.selectors import plans_visible_to


def home(request: HttpRequest) -> HttpResponse:
    """The start page: the plans the user may read, or a way to log in."""
    plans = plans_visible_to(request.user) if request.user.is_authenticated else []
    return render(request, "indicators/home.html", {"plans": plans})
