"""The one HTTP client of the open-data sources (`opendata.sources`): errors, a throttle, retries,
paging and JSON.

`JsonFetcher` GETs JSON from one service with a timeout; it keeps to the service's limit
(`Throttle`), retries what may pass (429, 5xx, network errors and timeouts) a bounded number of
times with a doubling pause (`RetryPolicy`), then raises `OpenDataUnavailable`; `pages` follows
a next-page address until it is null. `ServiceClient` is what a source's client derives from:
its service's name, address and limit, built from settings, closed when used in a `with`.

No test calls the real services: they point the clients at a local server (see
`tests/opendata_server.py`). The addresses and limits come from settings, with these defaults:
KOLADA_API_URL, KOLADA_REQUESTS_PER_SECOND (3), SSB_API_URL, SSB_CALLS_PER_MINUTE (30),
OPENDATA_TIMEOUT (20 s), OPENDATA_ATTEMPTS (4) and OPENDATA_BACKOFF (1 s, doubled per retry).
"""

import json
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar, Self

import httpx
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

Sleep = Callable[[float], None]


class OpenDataError(Exception):
    """An open-data service gave no usable answer; `str(error)` is meant for people."""


class OpenDataUnavailable(OpenDataError):
    """The service could not be reached, or kept failing, after the retries."""


class OpenDataInvalid(OpenDataError):
    """The service answered with something other than what it documents."""


class Throttle:
    """At most `calls` requests in any `period` seconds; 0 for either turns it off."""

    def __init__(
        self,
        *,
        calls: int,
        period: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = time.sleep,
    ):
        self.calls = calls
        self.period = period
        self.clock = clock
        self.sleep = sleep
        self.recent: deque[float] = deque()

    def wait(self) -> None:
        """Sleep until one more request keeps within the limit, and count it."""
        if self.calls <= 0 or self.period <= 0:
            return
        now = self.clock()
        while self.recent and self.recent[0] <= now - self.period:
            self.recent.popleft()
        if len(self.recent) >= self.calls:
            self.sleep(self.recent[0] + self.period - now)
            now = self.clock()
            self.recent.popleft()
        self.recent.append(now)


@dataclass(frozen=True)
class RetryPolicy:
    """How often to try a request, and how long to wait in between."""

    attempts: int = 4
    backoff: float = 1.0  # seconds before the second attempt, doubled before each next one
    longest_wait: float = 60.0  # a Retry-After longer than this is not waited for

    @classmethod
    def from_settings(cls) -> Self:
        return cls(
            attempts=settings.OPENDATA_ATTEMPTS,
            backoff=settings.OPENDATA_BACKOFF,
        )

    def pause(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number `attempt` (1, 2...)."""
        return self.backoff * 2 ** (attempt - 1)


class _Retry(Exception):
    """This attempt failed in a way that may pass; `wait` is how long the service asked for."""

    def __init__(self, reason: str, wait: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


class JsonFetcher:
    """GETs JSON from one service: only below its base URL, throttled, with a timeout, retried.

    Numbers with a fraction are read as Decimal, so that figures keep their digits.
    """

    def __init__(
        self,
        *,
        service: str,
        base_url: str,
        timeout: float,
        throttle: Throttle,
        retry: RetryPolicy,
        sleep: Sleep = time.sleep,
    ):
        self.service = service
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.timeout = timeout
        self.throttle = throttle
        self.retry = retry
        self.sleep = sleep
        self.http = httpx.Client(
            timeout=timeout, headers={"Accept": "application/json", "User-Agent": "Styrkort"}
        )

    def close(self) -> None:
        self.http.close()

    def get(self, url: str, params: Mapping[str, str] | None = None) -> Any:
        """The JSON at `url` (absolute, or relative to the base URL)."""
        if not url.startswith(("http://", "https://")):
            url = self.base_url + url
        if not url.startswith(self.base_url):
            raise OpenDataInvalid(
                _("%(service)s pointed to another address (%(url)s); it was not followed.")
                % {"service": self.service, "url": url}
            )
        attempt = 1
        while True:
            try:
                return self._attempt(url, params)
            except _Retry as failure:
                if attempt >= self.retry.attempts:
                    raise self._unavailable(failure.reason) from failure
                self.sleep(failure.wait if failure.wait is not None else self.retry.pause(attempt))
            attempt += 1

    def _attempt(self, url: str, params: Mapping[str, str] | None) -> Any:
        self.throttle.wait()
        try:
            response = self.http.get(url, params=params)
        except httpx.TimeoutException as error:
            raise _Retry(
                _("it did not answer within %(seconds)s seconds") % {"seconds": self.timeout}
            ) from error
        except httpx.TransportError as error:
            raise _Retry(_("it could not be reached (%(error)s)") % {"error": error}) from error
        if response.status_code == httpx.codes.TOO_MANY_REQUESTS:
            raise _Retry(_("it had too many requests"), self._retry_after(response))
        if response.is_server_error:
            raise _Retry(_("it answered with error %(status)d") % {"status": response.status_code})
        if response.is_error:
            raise OpenDataError(
                _("%(service)s refused the request (error %(status)d): %(url)s")
                % {"service": self.service, "status": response.status_code, "url": url}
            )
        return self._json(response)

    def _retry_after(self, response: httpx.Response) -> float:
        """Seconds the service asks us to wait (Retry-After as seconds or as a date)."""
        header = response.headers.get("Retry-After", "").strip()
        try:
            wait = float(header)
        except ValueError:
            try:
                wait = (parsedate_to_datetime(header) - timezone.now()).total_seconds()
            except (TypeError, ValueError):
                wait = self.retry.backoff
        wait = max(wait, 0.0)
        if wait > self.retry.longest_wait:
            raise OpenDataUnavailable(
                _("%(service)s is busy and asks us to wait %(seconds)d seconds. Try again later.")
                % {"service": self.service, "seconds": wait}
            )
        return wait

    def _json(self, response: httpx.Response) -> Any:
        try:
            return json.loads(response.content, parse_float=Decimal)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            kind = response.headers.get("Content-Type", "").split(";")[0] or _("unknown")
            raise OpenDataInvalid(
                _("%(service)s answered with something that is not JSON (%(type)s).")
                % {"service": self.service, "type": kind}
            ) from error

    def _unavailable(self, reason: str) -> OpenDataUnavailable:
        return OpenDataUnavailable(
            _("%(service)s could not be used: %(reason)s, %(attempts)d times. Try again later.")
            % {"service": self.service, "reason": reason, "attempts": self.retry.attempts}
        )

    def pages(
        self,
        url: str,
        params: Mapping[str, str] | None = None,
        *,
        items: str = "values",
        next_page: str = "next_url",
    ) -> Iterator[dict]:
        """Every item of every page: each page is `{items: [...], next_page: url or null}`,
        and the next page's address carries the query."""
        next_url: str | None = url
        while next_url is not None:
            page = self.get(next_url, params)
            if not isinstance(page, dict) or not isinstance(page.get(items), list):
                raise invalid_answer(self.service, _("no list of values"))
            for item in page[items]:
                if not isinstance(item, dict):
                    raise invalid_answer(self.service, _("a value that is not an object"))
                yield item
            next_url = page.get(next_page)
            if next_url is not None and not isinstance(next_url, str):
                raise invalid_answer(self.service, _("a next page that is not an address"))
            params = None


class ServiceClient:
    """A client of one open-data service, throttled to its limit and retried. Use it in a
    `with`. A subclass names the service, its address and its limit (`calls` in `PERIOD`
    seconds), and the settings that override them (`URL_SETTING`, `CALLS_SETTING`)."""

    SERVICE: ClassVar[str]
    BASE_URL: ClassVar[str]
    CALLS: ClassVar[int]
    PERIOD: ClassVar[float]
    URL_SETTING: ClassVar[str]
    CALLS_SETTING: ClassVar[str]

    def __init__(
        self,
        *,
        base_url: str | None = None,
        timeout: float = 20.0,
        calls: int | None = None,
        retry: RetryPolicy | None = None,
        sleep: Sleep = time.sleep,
    ):
        self.fetcher = JsonFetcher(
            service=self.SERVICE,
            base_url=base_url or self.BASE_URL,
            timeout=timeout,
            throttle=Throttle(
                calls=self.CALLS if calls is None else calls, period=self.PERIOD, sleep=sleep
            ),
            retry=retry or RetryPolicy(),
            sleep=sleep,
        )

    @classmethod
    def from_settings(cls) -> Self:
        client = cls(
            base_url=getattr(settings, cls.URL_SETTING),
            timeout=settings.OPENDATA_TIMEOUT,
            retry=RetryPolicy.from_settings(),
        )
        client.fetcher.throttle.calls = getattr(settings, cls.CALLS_SETTING)
        return client

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.fetcher.close()


def invalid_answer(service: str, detail: str) -> OpenDataInvalid:
    """The error for an answer of the wrong shape."""
    return OpenDataInvalid(
        _("%(service)s answered in an unexpected form: %(detail)s.")
        % {"service": service, "detail": detail}
    )
