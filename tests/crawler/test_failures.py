"""crawler/spiders/failures.py: every failed request gets a short reason."""

import pytest
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error
from twisted.python.failure import Failure
from twisted.web.client import ResponseNeverReceived

from crawler.spiders.failures import failure_reason


@pytest.mark.parametrize(
    ("exception", "reason"),
    [
        (IgnoreRequest("max redirections reached"), "redirect_loop"),
        (
            IgnoreRequest(
                "Ignored response <200 https://x.kz/a> because its body (80 B compressed, 11000000 B "
                "decompressed so far) exceeded DOWNLOAD_MAXSIZE (10485760 B) during decompression."
            ),
            "too_large",
        ),
        (
            DownloadCancelledError(
                "Received 11000000 bytes which is larger than download max size (10485760)"
            ),
            "too_large",
        ),
        (DownloadTimeoutError("took longer than 180 seconds"), "timeout"),
        (ResponseDataLossError(), "data_loss"),
        (DownloadCancelledError(""), "too_large"),  # cancelled while streaming in over the limit
        (DownloadFailedError("[<twisted.python.failure.Failure ConnectionLost>]"), "connection_lost"),
        (CannotResolveHostError("no such host"), "dns_error"),
        (DownloadConnectionRefusedError(), "connection_refused"),
        (IgnoreRequest("Forbidden by robots.txt"), "robots_forbidden"),
        (IgnoreRequest("offsite request refused: http://127.0.0.1/admin"), "offsite"),
        (error.DNSLookupError("no such host"), "dns_error"),
        (error.ConnectionRefusedError(), "connection_refused"),
        (error.TCPTimedOutError(), "timeout"),
        (ResponseNeverReceived([]), "connection_lost"),
        (ValueError("odd"), "ValueError"),
    ],
)
def test_reasons(exception, reason):
    assert failure_reason(Failure(exception)) == reason


def test_an_http_error_is_named_by_its_status_not_as_an_ignored_request():
    response = Response("https://x.kz/a", status=404, request=Request("https://x.kz/a"))
    assert failure_reason(Failure(HttpError(response))) == "http_404"
