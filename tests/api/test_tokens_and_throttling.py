"""API tokens issued in the admin; throttling per token and per address with counters in the real Redis."""

import os

import pytest
import redis
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


def limited(anon="3/min", user="5/min", export="2/hour"):
    """Throttle counters in Redis (as in production) and small rates so the limits are reached quickly."""
    from django.conf import settings

    caches = settings.CACHES | {
        "throttle": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS, "KEY_PREFIX": "t"}
    }
    rest = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": {"anon": anon, "user": user, "export": export}}
    return override_settings(CACHES=caches, REST_FRAMEWORK=rest)


def issue_token_in_admin(username: str) -> str:
    admin = UserFactory(username=f"admin-{username}", is_staff=True, is_superuser=True)
    client_user = UserFactory(username=username)
    browser = APIClient()
    browser.force_login(admin)
    response = browser.post("/admin/authtoken/tokenproxy/add/", {"user": client_user.pk})
    assert response.status_code == 302, response.content.decode()[:500]
    return Token.objects.get(user=client_user).key


def test_anonymous_clients_get_429_with_retry_after(catalogue):
    with limited():
        from django.core.cache import caches

        caches["throttle"].clear()
        api = APIClient()
        statuses = [api.get("/api/v1/products/").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        response = api.get("/api/v1/products/")
        assert response.status_code == 429
        assert 1 <= int(response["Retry-After"]) <= 60
        assert response.json()["detail"].startswith("Quá nhiều yêu cầu")
        # Another address has its own budget.
        assert api.get("/api/v1/products/", REMOTE_ADDR="10.1.2.3").status_code == 200
        # The counters are in Redis, where every web worker sees them.
        assert redis.Redis.from_url(REDIS).keys("t:*")


def test_each_token_has_its_own_budget(catalogue):
    with limited():
        from django.core.cache import caches

        caches["throttle"].clear()
        first, second = issue_token_in_admin("app-mot"), issue_token_in_admin("app-hai")
        one = APIClient(HTTP_AUTHORIZATION=f"Token {first}")
        two = APIClient(HTTP_AUTHORIZATION=f"Token {second}")
        anonymous = APIClient()
        for _ in range(3):
            assert anonymous.get("/api/v1/products/").status_code == 200
        assert anonymous.get("/api/v1/products/").status_code == 429
        assert [one.get("/api/v1/products/").status_code for _ in range(6)] == [200] * 5 + [429]
        assert two.get("/api/v1/products/").status_code == 200  # untouched by the first token's use
        assert APIClient(HTTP_AUTHORIZATION="Token not-a-real-token").get("/api/v1/products/").status_code == 401


def test_export_has_its_own_small_budget(catalogue):
    with limited(anon="100/min"):
        from django.core.cache import caches

        caches["throttle"].clear()
        api = APIClient()
        assert [api.get("/api/v1/exports/products.csv").status_code for _ in range(3)] == [200, 200, 429]
        assert api.get("/api/v1/products/").status_code == 200


def test_throttling_lets_requests_through_when_redis_is_down(catalogue):
    from django.conf import settings

    caches = settings.CACHES | {
        "throttle": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    with override_settings(CACHES=caches):
        assert APIClient().get("/api/v1/products/").status_code == 200


def test_tokens_never_see_more_than_the_public(catalogue):
    """A token is a key for throttling and contact, not a permission: officer data has its own endpoints."""
    token = issue_token_in_admin("app-ba")
    api = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
    names = {
        p["name"] for p in api.get("/api/v1/products/", {"status": ["expired", "revoked", "valid"]}).json()["results"]
    }
    assert "Bình gốm bản nháp bí mật" not in names and "Rượu không đạt Kim Sơn" not in names
    assert api.post("/api/v1/products/", {"name": "x"}).status_code == 405
