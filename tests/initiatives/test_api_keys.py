"""Partner API keys and rate limits: issued and revoked in the admin."""

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from initiatives.models import PartnerApiKey
from initiatives.services.api_keys import issue_api_key, revoke_api_key
from practice_library import throttles
from tests.factories import make_curator, make_organisation
from tests.initiatives.api_helpers import api_url

pytestmark = pytest.mark.django_db

LIST = api_url("theme-list")
# A fixed clock 15.5 s into a minute, so that windows and Retry-After are exact.
NOW = 1_800_000_015.5


@pytest.fixture
def rates(throttle_rates, monkeypatch):
    """Small limits, and a clock that does not move, for fast exact tests."""
    throttle_rates(anonymous="3/minute", partner="5/minute")
    monkeypatch.setattr(throttles.time, "time", lambda: NOW)


def _key(**fields) -> tuple[PartnerApiKey, str]:
    key = PartnerApiKey(partner_name=fields.pop("partner_name", "Essex data team"))
    for name, value in fields.items():
        setattr(key, name, value)
    return key, issue_api_key(key)


def _statuses(client, count: int, **headers) -> list[int]:
    return [client.get(LIST, **headers).status_code for _ in range(count)]


class TestKeys:
    def test_only_the_prefix_and_a_hash_are_stored(self):
        key, whole = _key()

        prefix, secret = whole.split(".")
        assert key.prefix == prefix
        assert len(secret) >= 40
        assert secret not in key.secret_hash
        assert key.secret_hash == PartnerApiKey.hash_secret(secret)
        assert whole not in str(PartnerApiKey.objects.values().get(pk=key.pk))

    @pytest.mark.parametrize("header", ["HTTP_AUTHORIZATION", "HTTP_X_API_KEY"])
    def test_a_key_is_accepted_in_either_header(self, client, header):
        _, whole = _key()
        value = f"Api-Key {whole}" if header == "HTTP_AUTHORIZATION" else whole

        assert client.get(LIST, **{header: value}).status_code == 200

    @pytest.mark.parametrize(
        "value",
        [
            "Api-Key nonsense",
            "Api-Key 12345678.wrong-secret",
            "Api-Key ",
            "api-key abcdefgh.",
        ],
    )
    def test_a_wrong_key_is_refused_with_401(self, client, value):
        _key()

        response = client.get(LIST, HTTP_AUTHORIZATION=value)

        assert response.status_code == 401
        assert response["WWW-Authenticate"] == 'Api-Key realm="api", Bearer realm="api"'
        assert response.json()["code"] == "authentication_failed"

    def test_a_bearer_key_works_like_an_api_key(self, client):
        key, whole = _key()

        response = client.get(LIST, HTTP_AUTHORIZATION=f"Bearer {whole}")

        assert response.status_code == 200
        key.refresh_from_db()
        assert key.last_used_at is not None  # read as the partner, not anonymous

    @pytest.mark.parametrize("value", ["Bearer nonsense", "Bearer ", "bearer a.b"])
    def test_a_wrong_bearer_key_is_a_401_never_anonymous(self, client, value):
        _key()

        response = client.get(LIST, HTTP_AUTHORIZATION=value)

        assert response.status_code == 401
        assert "Bearer" in response["WWW-Authenticate"]
        assert "Api-Key <key>" in response.json()["detail"]

    def test_a_right_prefix_with_a_wrong_secret_is_refused(self, client):
        key, _ = _key()

        response = client.get(LIST, HTTP_X_API_KEY=f"{key.prefix}.not-the-secret")

        assert response.status_code == 401

    def test_a_revoked_key_is_refused_at_once(self, client):
        key, whole = _key()
        assert client.get(LIST, HTTP_X_API_KEY=whole).status_code == 200

        revoke_api_key(key)

        response = client.get(LIST, HTTP_X_API_KEY=whole)
        assert response.status_code == 401
        assert "revoked" in response.json()["detail"]

    def test_other_authorization_schemes_are_left_alone(self, client):
        # E.g. Basic auth added by a proxy in front of a staging site.
        assert (
            client.get(LIST, HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz").status_code == 200
        )

    def test_use_is_recorded_at_most_about_once_a_minute(
        self, client, django_assert_num_queries
    ):
        key, whole = _key()
        client.get(LIST, HTTP_X_API_KEY=whole)
        key.refresh_from_db()
        first_use = key.last_used_at
        assert first_use is not None

        etag = client.get(LIST)["ETag"]

        # A 304 needs no content: 1 query, reading the key; no write within
        # the minute.
        with django_assert_num_queries(1):
            response = client.get(LIST, HTTP_X_API_KEY=whole, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 304
        key.refresh_from_db()
        assert key.last_used_at == first_use

        an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
        PartnerApiKey.objects.filter(pk=key.pk).update(last_used_at=an_hour_ago)
        client.get(LIST, HTTP_X_API_KEY=whole)
        key.refresh_from_db()
        assert key.last_used_at > an_hour_ago

    def test_a_key_grants_nothing_in_the_admin(self, client):
        _, whole = _key()

        response = client.get(
            reverse("admin:index"), HTTP_AUTHORIZATION=f"Api-Key {whole}"
        )

        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]

    def test_a_key_shows_no_hidden_entries(self, client):
        from tests.factories import make_initiative

        make_initiative(slug="secret-draft", state="draft")
        _, whole = _key()

        response = client.get(api_url("initiative-list"), HTTP_X_API_KEY=whole)

        assert "secret-draft" not in response.content.decode()


class TestRateLimits:
    def test_anonymous_clients_are_limited_per_address(self, client, rates):
        assert _statuses(client, 4) == [200, 200, 200, 429]
        assert _statuses(client, 1, REMOTE_ADDR="198.51.100.7") == [200]

    def test_over_the_limit_is_a_json_429_with_retry_after(self, client, rates):
        _statuses(client, 3)

        response = client.get(LIST)

        assert response.status_code == 429
        assert response["Retry-After"] == "45"  # the rest of the minute
        assert response["Content-Type"] == "application/json"
        assert response.json() == {
            "status": 429,
            "code": "throttled",
            "detail": "Request was throttled. Expected available in 45 seconds.",
            "errors": {},
        }

    def test_the_next_window_starts_afresh(self, client, rates, monkeypatch):
        _statuses(client, 4)

        monkeypatch.setattr(throttles.time, "time", lambda: NOW + 60)

        assert _statuses(client, 1) == [200]

    def test_a_partner_key_has_its_own_higher_limit(self, client, rates):
        _, whole = _key()
        _statuses(client, 3)  # the anonymous allowance of this address is used up

        assert _statuses(client, 6, HTTP_X_API_KEY=whole) == [200] * 5 + [429]
        assert _statuses(client, 1) == [429]

    def test_a_key_is_counted_wherever_it_is_used_from(self, client, rates):
        _, whole = _key()
        _statuses(client, 3, HTTP_X_API_KEY=whole, REMOTE_ADDR="192.0.2.1")

        assert _statuses(client, 3, HTTP_X_API_KEY=whole, REMOTE_ADDR="192.0.2.2") == [
            200,
            200,
            429,
        ]

    def test_each_key_has_its_own_count(self, client, rates):
        _, first = _key(partner_name="First")
        _, second = _key(partner_name="Second")
        _statuses(client, 5, HTTP_X_API_KEY=first)

        assert _statuses(client, 1, HTTP_X_API_KEY=second) == [200]

    def test_x_forwarded_for_is_not_trusted_by_default(self, client, rates):
        spoofed = [
            client.get(LIST, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
            for n in range(4)
        ]

        assert spoofed == [200, 200, 200, 429]

    def test_a_trusted_proxy_count_uses_the_address_it_saw(
        self, client, rates, settings
    ):
        settings.TRUSTED_PROXY_COUNT = 1
        _statuses(client, 3, HTTP_X_FORWARDED_FOR="203.0.113.1")

        assert _statuses(client, 1, HTTP_X_FORWARDED_FOR="203.0.113.1") == [429]
        assert _statuses(client, 1, HTTP_X_FORWARDED_FOR="203.0.113.2") == [200]

    def test_304_answers_are_not_counted(self, client, rates):
        etag = client.get(LIST)["ETag"]

        assert _statuses(client, 5, HTTP_IF_NONE_MATCH=etag) == [304] * 5
        assert _statuses(client, 3) == [200, 200, 429]

    def test_a_partners_304_answers_are_not_counted_either(self, client, rates):
        _, whole = _key()
        etag = client.get(LIST, HTTP_X_API_KEY=whole)["ETag"]

        statuses = _statuses(client, 6, HTTP_X_API_KEY=whole, HTTP_IF_NONE_MATCH=etag)

        assert statuses == [304] * 6
        assert _statuses(client, 5, HTTP_X_API_KEY=whole) == [200] * 4 + [429]

    def test_a_full_answer_from_the_result_cache_is_counted(
        self, client, rates, django_assert_num_queries
    ):
        assert _statuses(client, 1) == [200]
        # Served whole from the cache (no query at all), and still counted.
        with django_assert_num_queries(0):
            assert _statuses(client, 2) == [200, 200]
        assert _statuses(client, 1) == [429]

    def test_a_revoked_key_is_refused_even_with_a_current_copy(self, client):
        key, whole = _key()
        etag = client.get(LIST, HTTP_X_API_KEY=whole)["ETag"]
        revoke_api_key(key)

        response = client.get(LIST, HTTP_X_API_KEY=whole, HTTP_IF_NONE_MATCH=etag)

        assert response.status_code == 401


@pytest.mark.redis
def test_processes_sharing_redis_count_together(client, rates, redis_cache):
    from django.core.cache import caches

    from practice_library.cache import ResilientRedisCache
    from practice_library.settings import redis_cache as cache_settings

    assert _statuses(client, 2) == [200, 200]
    # Another app process: its own cache, of the class production uses, on
    # the same Redis.
    other = cache_settings(redis_cache)
    caches["default"] = ResilientRedisCache(other["LOCATION"], other)

    assert _statuses(client, 2) == [200, 429]


class TestAdmin:
    @pytest.fixture
    def admin_client(self, client):
        client.force_login(
            User.objects.create_superuser("admin", "admin@example.org", "pw")
        )
        return client

    def test_the_whole_key_is_shown_once_on_issue(self, admin_client):
        organisation = make_organisation(slug="essex-pfcc")

        response = admin_client.post(
            reverse("admin:initiatives_partnerapikey_add"),
            {"partner_name": "Essex data team", "organisation": organisation.pk},
        )

        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        key = PartnerApiKey.objects.get()
        assert key.partner_name == "Essex data team"
        assert key.organisation == organisation
        assert key.created_by is not None
        assert key.created_by.username == "admin"
        whole = re.search(
            rf"value=\"({key.prefix}\.[^\"]+)\"", response.content.decode()
        )
        assert whole is not None
        assert admin_client.get(LIST, HTTP_X_API_KEY=whole[1]).status_code == 200

        change_page = admin_client.get(
            reverse("admin:initiatives_partnerapikey_change", args=[key.pk])
        )
        assert whole[1] not in change_page.content.decode()
        assert key.prefix in change_page.content.decode()

    def test_revoking_in_the_admin_refuses_the_key(self, admin_client):
        key, whole = _key()

        response = admin_client.post(
            reverse("admin:initiatives_partnerapikey_changelist"),
            {"action": "revoke_selected", "_selected_action": [key.pk]},
            follow=True,
        )

        assert "Revoked 1 keys." in response.content.decode()
        key.refresh_from_db()
        assert key.revoked_at is not None
        assert admin_client.get(LIST, HTTP_X_API_KEY=whole).status_code == 401

    def test_keys_are_revoked_not_deleted(self, admin_client):
        key, _ = _key()

        response = admin_client.get(
            reverse("admin:initiatives_partnerapikey_delete", args=[key.pk])
        )

        assert response.status_code == 403

    def test_curators_do_not_manage_keys(self, client):
        client.force_login(make_curator())

        response = client.get(reverse("admin:initiatives_partnerapikey_changelist"))

        assert response.status_code == 403
