"""Middleware of Styrkort's own."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """`{"camera": [], "fullscreen": ["self"]}` as `camera=(), fullscreen=(self)`.

    An allow-list item is `self`, `*` or an origin (quoted in the header).
    """

    def item(origin: str) -> str:
        return origin if origin in ("self", "*") else f'"{origin}"'

    return ", ".join(
        f"{feature}=({' '.join(item(origin) for origin in allowed)})"
        for feature, allowed in policy.items()
    )


class PermissionsPolicyMiddleware:
    """Sends the Permissions-Policy header of `settings.PERMISSIONS_POLICY` with every answer:
    which browser features (camera, microphone, geolocation...) the pages may use."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
