"""Security headers on every answer, and a Content Security Policy without
inline script or style except, by hash, on the few pages we do not write."""

import pytest
from django.template import Engine
from django.urls import reverse

from practice_library.security import (
    ADMIN_SCRIPTS,
    ADMIN_STYLES,
    BROWSABLE_API_STYLES,
    csp_hash,
)
from tests.factories import make_initiative, make_user

pytestmark = pytest.mark.django_db

STRICT_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def _policy(response) -> dict[str, str]:
    directives = (
        part.strip() for part in response["Content-Security-Policy"].split(";")
    )
    return dict(
        (directive.split(" ", 1) + [""])[:2] for directive in directives if directive
    )


def _assert_security_headers(response) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/initiatives/?q=<script>",
        "/themes/",
        "/initiatives/feed.atom",
        "/initiatives/export.csv",
        "/sitemap.xml",
        "/api/",
        "/api/v1/initiatives/",
        "/api/v1/initiatives/?format=csv",
        "/api/v1/no-such-thing/",
        "/healthz",
        "/no-such-page/",
    ],
)
def test_every_public_answer_has_the_strict_policy_and_headers(client, path):
    make_initiative()

    response = client.get(path)

    assert _policy(response).items() >= STRICT_POLICY.items(), path
    assert "unsafe" not in response["Content-Security-Policy"]
    _assert_security_headers(response)


def test_the_api_docs_page_has_nothing_inline_and_may_show_data_images(client):
    response = client.get(reverse("api:docs"))

    html = response.content.decode()
    assert "<style" not in html
    assert "<script>" not in html  # the script is a file (?script=)
    policy = _policy(response)
    assert {name: policy[name] for name in STRICT_POLICY} == STRICT_POLICY | {
        "img-src": "'self' data:"
    }
    assert "unsafe" not in response["Content-Security-Policy"]


def test_the_browsable_api_allows_only_its_code_highlighting_style(client):
    response = client.get("/api/v1/initiatives/", HTTP_ACCEPT="text/html")

    assert response["Content-Type"].startswith("text/html")
    (style,) = BROWSABLE_API_STYLES
    assert f"<style>{style}</style>" in response.content.decode()
    assert _policy(response)["style-src"].split() == ["'self'", csp_hash(style)]
    assert _policy(response)["script-src"] == "'self'"
    assert "unsafe" not in response["Content-Security-Policy"]
    _assert_security_headers(response)


def test_the_admin_allows_only_its_templates_inline_bits(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))

    response = client.get(reverse("admin:initiatives_initiative_changelist"))

    policy = _policy(response)
    assert policy["script-src"].split() == [
        "'self'",
        "'unsafe-hashes'",
        *(csp_hash(s) for s in ADMIN_SCRIPTS),
    ]
    assert policy["style-src"].split() == [
        "'self'",
        "'unsafe-hashes'",
        *(csp_hash(s) for s in ADMIN_STYLES),
    ]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    _assert_security_headers(response)


@pytest.mark.parametrize(
    ("source", "template"),
    [
        (ADMIN_STYLES[0], "admin/change_list.html"),
        (ADMIN_STYLES[1], "admin/import_export/export.html"),
        (ADMIN_STYLES[2], "admin/import_export/export.html"),
        (ADMIN_STYLES[3], "simple_history/object_history_list.html"),
        (ADMIN_SCRIPTS[0], "admin/import_export/export.html"),
    ],
)
def test_each_allowed_inline_bit_is_still_in_its_template(source, template):
    # An upgrade that changes one of them fails here, before the browser
    # test shows the page broken.
    text = Engine.get_default().get_template(template).source
    assert (f'"{source}"' in text) or (f"<style>{source}</style>" in text), source
