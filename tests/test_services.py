import pytest

from tests import services

UNREACHABLE_PG = "postgresql+psycopg://postgres@127.0.0.1:1/test"
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


@pytest.mark.parametrize(
    ("env", "url", "require"),
    [
        (services.POSTGRES_URL_ENV, UNREACHABLE_PG, services.require_postgres_url),
        (services.REDIS_URL_ENV, UNREACHABLE_REDIS, services.require_redis_url),
    ],
)
class TestMissingService:
    def test_skips_with_the_reason(self, monkeypatch, env, url, require):
        monkeypatch.setenv(env, url)
        monkeypatch.delenv(services.REQUIRE_SERVICES_ENV, raising=False)
        with pytest.raises(pytest.skip.Exception, match="not reachable"):
            require()

    def test_fails_when_services_are_required(self, monkeypatch, env, url, require):
        monkeypatch.setenv(env, url)
        monkeypatch.setenv(services.REQUIRE_SERVICES_ENV, "1")
        with pytest.raises(pytest.fail.Exception, match=r"127\.0\.0\.1:1"):
            require()


@pytest.mark.postgres
def test_reachable_postgres_answers():
    from sqlalchemy import create_engine, text

    engine = create_engine(services.require_postgres_url())
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1
    engine.dispose()


@pytest.mark.redis
def test_reachable_redis_answers():
    import redis

    assert redis.Redis.from_url(services.require_redis_url()).ping()


@pytest.mark.parametrize(
    ("env", "url", "shown", "require"),
    [
        (
            services.POSTGRES_URL_ENV,
            "postgresql+psycopg://ci:secret@127.0.0.1:1/elsewhere",
            "postgresql+psycopg://ci:***@127.0.0.1:1/elsewhere",
            services.require_postgres_url,
        ),
        (
            services.REDIS_URL_ENV,
            "redis://:secret@127.0.0.1:1/3",
            "redis://:***@127.0.0.1:1/3",
            services.require_redis_url,
        ),
    ],
)
def test_the_skip_reason_names_the_url_actually_tried(monkeypatch, env, url, shown, require):
    monkeypatch.setenv(env, url)
    monkeypatch.delenv(services.REQUIRE_SERVICES_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        require()
    reason = str(skipped.value)
    assert shown in reason and f"from {env}" in reason
    assert "secret" not in reason and "5432" not in reason and "6379" not in reason
