"""Run outcome: why a run failed and what to do, from its stats alone (the crawl_runs row and exit status)."""

import pytest

from pipelines.runstats import connection_failures, run_failure, run_outcome

FINISHED = {
    "finish_reason": "finished",
    "response_received_count": 12,
    "kznews/cleaned": 3,
    "kznews/stored": 3,
}
REFUSED = {
    "downloader/exception_count": 16,
    "kznews/connection_failed/www.inform.kz/connection_refused": 12,
    "kznews/connection_failed/qz.inform.kz/connection_refused": 3,
    "kznews/connection_failed/qz.inform.kz/dns_error": 1,
}
NO_ANSWER = "www.inform.kz: connection refused x 12; qz.inform.kz: connection refused x 3, dns error x 1"


def test_a_healthy_run_has_no_failure():
    assert run_failure(FINISHED) is None and run_outcome(FINISHED) == ("finished", None)


def test_tries_without_an_answer_read_one_line_per_host_most_first():
    assert connection_failures(REFUSED) == [
        "www.inform.kz: connection refused x 12",
        "qz.inform.kz: connection refused x 3, dns error x 1",
    ]


@pytest.mark.parametrize(
    ("stats", "why", "fix"),
    [
        (
            {"finish_reason": "finished", **REFUSED},
            f"no response from the site ({NO_ANSWER})",
            "KZNEWS_HOST_MAP",
        ),
        (
            {"finish_reason": "site_unreachable", "kznews/gave_up_after": 10, **REFUSED},
            f"no response from the site ({NO_ANSWER}): given up after 10 tries in a row",
            "check the network",
        ),
        (
            {"finish_reason": "database unavailable: OperationalError: connection refused\n\tIs it up?"},
            "database unusable (OperationalError: connection refused)",
            "check KZNEWS_DATABASE_URL",
        ),
        (
            {"finish_reason": "worker_pool_broken", "kznews/worker_crashes": 4},
            "extraction workers broken (4 crashes)",
            "KZNEWS_EXTRACT_WORKERS=0",
        ),
        (
            {"finish_reason": "finished", "response_received_count": 9, "kznews/blocked": 7,
             "kznews/blocked/www.inform.kz": 7},
            "blocked: 7 challenge page(s) (www.inform.kz 7) and nothing stored",
            "DOWNLOAD_DELAY",
        ),
        ({"finish_reason": "shutdown"}, "finish_reason shutdown", "run it again"),
    ],
    ids=["no-response", "given-up", "database", "workers", "blocked-throughout", "shutdown"],
)  # fmt: skip
def test_a_failed_run_says_why_and_what_to_do(stats, why, fix):
    failure = run_failure(stats)
    assert failure is not None and failure.why == why and fix in failure.fix
    assert run_outcome(stats) == ("failed", why)


def test_a_challenge_page_among_stored_articles_is_no_failure():
    # the demo: its fixture site holds one deliberate challenge page
    assert run_failure({**FINISHED, "kznews/blocked": 1, "kznews/blocked/www.inform.kz": 1}) is None


def test_a_run_without_storage_is_not_blocked_for_one_challenge_among_its_article_pages():
    dry = {"finish_reason": "finished", "response_received_count": 30, "kznews/article_pages": 20}
    assert run_failure({**dry, "kznews/blocked": 1, "kznews/blocked/www.inform.kz": 1}) is None


def test_an_incremental_run_whose_only_new_page_was_a_challenge_is_not_blocked_throughout():
    stats = {"finish_reason": "finished", "kznews/skipped/known": 10, "kznews/article_pages": 1}
    assert run_failure({**stats, "kznews/blocked": 1, "kznews/blocked/www.inform.kz": 1}) is None
