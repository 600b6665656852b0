"""The admin's own defences: login lockout, its address, sessions, CSRF."""

import datetime
import importlib

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import clear_url_caches, reverse
from django.utils import timezone

from initiatives.models import EditorialState, Initiative
from practice_library.settings import env_url_path
from tests.factories import make_initiative, make_publisher, make_user

pytestmark = pytest.mark.django_db


def _sign_in(client, username, password):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR="192.0.2.10",
    )


def test_repeated_failed_logins_lock_the_account_out(client, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    make_publisher(username="pat")
    make_publisher(username="sam")

    for _ in range(2):
        assert _sign_in(client, "pat", "wrong password").status_code == 200
    locked = _sign_in(client, "pat", "wrong password")
    still_locked = _sign_in(client, "pat", "correct horse battery")

    assert locked.status_code == 429
    assert "Signing in is locked for a while" in locked.content.decode()
    assert "3 failed attempts" in locked.content.decode()
    assert still_locked.status_code == 429  # even the right password
    # Another user at the same address is not punished for it.
    assert _sign_in(client, "sam", "correct horse battery").status_code == 302


def test_a_successful_login_resets_the_count(client, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    make_publisher(username="pat")

    for _ in range(2):
        _sign_in(client, "pat", "wrong password")
    assert _sign_in(client, "pat", "correct horse battery").status_code == 302
    client.logout()
    for _ in range(2):
        assert _sign_in(client, "pat", "wrong password").status_code == 200


@pytest.mark.parametrize("length", [256, 300, 5000])
def test_a_user_name_longer_than_the_lockout_record_is_a_failed_sign_in(
    settings, length
):
    from axes.models import AccessAttempt

    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 2
    client = Client(raise_request_exception=False)  # anonymous, as anyone
    name = "x" * length

    first = _sign_in(client, name, "wrong password")
    locked = _sign_in(client, name, "wrong password")

    assert first.status_code == 200
    assert "Please enter the correct username and password" in first.content.decode()
    assert locked.status_code == 429  # counted like any other name
    (attempt,) = AccessAttempt.objects.all()
    assert attempt.username == name[:255]


def test_a_user_name_with_a_null_character_is_a_failed_sign_in(settings):
    settings.AXES_ENABLED = True
    client = Client(raise_request_exception=False)

    response = _sign_in(client, "pat\x00", "wrong password")

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("address", "query"),
    [
        (
            "admin:autocomplete",
            {
                "term": "\x00",
                "app_label": "initiatives",
                "model_name": "initiative",
                "field_name": "police_areas",
            },
        ),
        ("admin:initiatives_initiative_changelist", {"q": "hub\x00"}),
        ("admin:initiatives_initiative_changelist", {"state__exact": "\x00"}),
        ("admin:initiatives_organisation_changelist", {"q\x00": "hub"}),
        ("admin:themes_theme_changelist", {"q": "\x00"}),
    ],
    ids=["autocomplete", "search", "filter", "name", "theme-search"],
)
def test_a_null_character_in_an_admin_address_is_a_400_not_a_500(address, query):
    client = Client(raise_request_exception=False)
    client.force_login(make_publisher())

    response = client.get(reverse(address), query)

    assert response.status_code == 400
    assert "null character (%00)" in response.content.decode()
    if address == "admin:autocomplete":
        assert response["Content-Type"] == "application/json"


def test_sessions_end_with_the_browser_and_after_eight_hours(client, settings):
    settings.AXES_ENABLED = True
    make_publisher(username="pat")

    response = _sign_in(client, "pat", "correct horse battery")

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"] and not cookie["expires"]  # a browser-session cookie
    assert cookie["httponly"]
    expires = Session.objects.get().expire_date
    eight_hours = timezone.now() + datetime.timedelta(hours=8)
    assert abs((expires - eight_hours).total_seconds()) < 60


def test_admin_posts_without_the_csrf_token_are_refused():
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_publisher())
    draft = make_initiative(state=EditorialState.DRAFT)
    state_url = reverse("admin:initiatives_initiative_state", args=[draft.pk])

    refused = client.post(state_url, {"to_state": EditorialState.PUBLISHED})
    bulk = client.post(
        reverse("admin:initiatives_initiative_changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )

    assert refused.status_code == 403
    assert bulk.status_code == 403
    draft.refresh_from_db()
    assert draft.state == EditorialState.DRAFT

    # The page's own form carries the token, and then the move goes through.
    page = client.get(reverse("admin:initiatives_initiative_change", args=[draft.pk]))
    token = page.context["csrf_token"]
    client.post(
        state_url,
        {"to_state": EditorialState.PUBLISHED, "csrfmiddlewaretoken": str(token)},
    )
    assert Initiative.objects.get(pk=draft.pk).state == EditorialState.PUBLISHED


@pytest.fixture
def admin_at_a_secret_address(settings):
    import practice_library.urls

    settings.ADMIN_URL = "curation-7x2k/"
    clear_url_caches()
    importlib.reload(practice_library.urls)
    yield
    settings.ADMIN_URL = "admin/"
    clear_url_caches()
    importlib.reload(practice_library.urls)


@pytest.mark.usefixtures("admin_at_a_secret_address")
def test_the_admin_address_comes_from_the_environment(client):
    client.force_login(make_publisher())

    assert reverse("admin:index") == "/curation-7x2k/"
    assert client.get("/curation-7x2k/").status_code == 200
    assert client.get("/admin/").status_code == 404


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", "admin/"), ("curation-7x2k/", "curation-7x2k/"), ("a/b/", "a/b/")],
)
def test_the_admin_address_setting(monkeypatch, value, expected):
    monkeypatch.setenv("DJANGO_ADMIN_URL", value)
    assert env_url_path("DJANGO_ADMIN_URL", "admin/") == expected


@pytest.mark.parametrize("value", ["/admin/", "admin", "ad min/", "../admin/", "a//"])
def test_a_bad_admin_address_stops_the_site(monkeypatch, value):
    monkeypatch.setenv("DJANGO_ADMIN_URL", value)
    with pytest.raises(ImproperlyConfigured, match="DJANGO_ADMIN_URL must be a path"):
        env_url_path("DJANGO_ADMIN_URL", "admin/")


def test_lock_out_records_show_to_superusers_only(client):
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username="someone", ip_address="192.0.2.1", failures_since_start=3
    )
    attempts = reverse("admin:axes_accessattempt_changelist")
    # Even a curator whose group was given every right on the records.
    curator = make_publisher(
        permissions=[
            f"axes.{action}_{model}"
            for action in ("view", "change", "delete")
            for model in ("accessattempt", "accesslog", "accessfailurelog")
        ]
    )
    client.force_login(curator)

    home = client.get(reverse("admin:index")).content.decode()
    assert "Access attempts" not in home and "Axes" not in home
    assert client.get(attempts).status_code == 403

    client.force_login(make_user(is_staff=True, is_superuser=True))
    assert "Access attempts" in client.get(reverse("admin:index")).content.decode()
    assert "someone" in client.get(attempts).content.decode()


def _sign_in_through_proxy(client, username, password, client_address):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR="10.0.0.1",  # the reverse proxy
        HTTP_X_FORWARDED_FOR=client_address,
    )


def test_behind_a_proxy_one_client_cannot_lock_out_another(client, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.TRUSTED_PROXY_COUNT = 1
    make_publisher(username="pat")

    attempts = [
        _sign_in_through_proxy(client, "pat", "guess", "198.51.100.66").status_code
        for _ in range(3)
    ]
    curator = _sign_in_through_proxy(
        Client(), "pat", "correct horse battery", "203.0.113.9"
    )

    assert attempts == [200, 200, 429]
    assert curator.status_code == 302


def test_without_the_proxy_setting_a_forged_address_does_not_escape(client, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.TRUSTED_PROXY_COUNT = 0
    make_publisher(username="pat")

    statuses = [
        _sign_in_through_proxy(client, "pat", "guess", f"198.51.100.{n}").status_code
        for n in range(4)
    ]

    assert statuses == [200, 200, 429, 429]
