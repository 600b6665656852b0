"""The API's OpenAPI schema, its documentation pages, and schemathesis."""

import re
import threading
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
import schemathesis
import yaml
from django.core.exceptions import ValidationError
from django.urls import reverse
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.generation.modes import GenerationMode
from schemathesis.generation.stateful import run_state_machine_as_test

from initiatives.filters import InitiativeFilterSet
from initiatives.validators import web_address_validator
from practice_library.wsgi import application

pytestmark = pytest.mark.django_db


@pytest.fixture
def openapi(client, small_library):
    response = client.get(reverse("api:schema"))
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def _parameters(openapi, path: str) -> dict[str, dict]:
    operation = openapi["paths"][path]["get"]
    return {parameter["name"]: parameter for parameter in operation["parameters"]}


def test_schema_is_valid_openapi(openapi):
    validate_schema(openapi)
    assert openapi["openapi"].startswith("3.")


def test_every_filter_and_paging_parameter_is_documented(openapi):
    documented = _parameters(openapi, "/api/v1/initiatives/")

    assert set(documented) == {
        *InitiativeFilterSet.base_filters,
        "facets",
        "format",
        "page",
        "page_size",
    }
    assert documented["status"]["schema"]["items"]["enum"] == [
        "planned",
        "pilot",
        "active",
        "ended",
    ]
    assert documented["theme"]["explode"] is True
    # Repeated, as generated clients send an array (commas work too).
    assert documented["facets"]["explode"] is True
    assert documented["page_size"]["schema"]["maximum"] == 100
    assert documented["format"]["schema"]["enum"] == ["csv", "json"]


WEB_ADDRESSES = [
    "https://www.example.org/a/b?c=d#e",
    "http://example.org:8080",
    "HTTP://EXAMPLE.ORG",
    "http://localhost/x",
    "http://[::1]/",
    "http://127.0.0.1/",
    "https://bücher.de/",
    "http://user:pw@example.org/",
    "http://0?000",
    "ftp://example.org/",
    "https://" + ".".join(["a" * 63] * 5) + ".org",
    "https://example.org/\n",
    "https://-bad.org",
    "https://example.org/ space",
    "javascript:alert(1)",
]


def test_a_suggestion_body_is_documented_as_the_server_checks_it(openapi):
    """A generated client (or schemathesis) must not build a body the
    server refuses: at least one area, at most 43, consent true only."""
    body = openapi["components"]["schemas"]["SuggestionSubmissionRequest"]
    areas, themes = body["properties"]["police_areas"], body["properties"]["themes"]

    assert (areas["minItems"], areas["maxItems"]) == (1, 43)
    assert "minItems" not in themes and themes["maxItems"] == 30
    # Only areas and themes there are: a well-formed slug of neither is
    # refused, so the schema lists them, as the list filters do.
    documented = _parameters(openapi, "/api/v1/initiatives/")
    for listed, parameter in ((areas, "police_area"), (themes, "theme")):
        items = listed["items"]
        if "$ref" in items or "allOf" in items:
            reference = items.get("$ref") or items["allOf"][0]["$ref"]
            items = openapi["components"]["schemas"][reference.rpartition("/")[2]]
        assert sorted(items["enum"]) == sorted(
            documented[parameter]["schema"]["items"]["enum"]
        ), parameter
    # A web address as it is checked: the pattern and the validator agree.
    website = body["properties"]["website"]["oneOf"][0]
    pattern = re.compile(website["pattern"])
    for address in WEB_ADDRESSES:
        try:
            web_address_validator(address)
        except ValidationError:
            accepted = False
        else:
            accepted = True
        assert bool(pattern.search(address)) is accepted, address
    consent = body["properties"]["consent"]
    # drf-spectacular names every enum as a component, referred to by allOf.
    reference = consent.get("$ref") or consent["allOf"][0]["$ref"]
    consent = openapi["components"]["schemas"][reference.rpartition("/")[2]]
    assert consent.get("enum") == [True], consent


def test_only_controlled_vocabularies_are_enumerated(openapi):
    """Curators' data (organisations, briefings, sources) grows every week: a
    client generated from the schema must not go stale, nor learn a slug."""
    documented = _parameters(openapi, "/api/v1/initiatives/")

    assert documented["police_area"]["schema"]["items"]["enum"] == [
        "essex",
        "gwent",
        "kent",
    ]
    for name in ("organisation", "briefing"):
        assert documented[name]["schema"] == {
            "type": "string",
            "pattern": "^[-a-zA-Z0-9_]+$",
        }, name
    assert "enum" not in documented["source"]["schema"]["items"]
    publisher = _parameters(openapi, "/api/v1/sources/")["publisher"]
    assert "enum" not in publisher["schema"]


def test_errors_and_formats_are_documented(openapi):
    responses = openapi["paths"]["/api/v1/initiatives/{slug}/"]["get"]["responses"]

    assert set(responses) == {"200", "304", "400", "401", "404", "406", "410", "429"}
    assert set(responses["200"]["content"]) == {"application/json", "text/csv"}
    assert responses["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    assert "Retry-After" in responses["429"]["headers"]
    assert "ETag" in responses["200"]["headers"]
    error = openapi["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"status", "code", "detail", "errors"}


def test_status_and_evidence_are_enums(openapi):
    schemas = openapi["components"]["schemas"]

    assert schemas["InitiativeStatusEnum"]["enum"] == [
        "planned",
        "pilot",
        "active",
        "ended",
    ]
    assert schemas["EvidenceStageEnum"]["enum"] == [
        "untested",
        "evaluated-locally",
        "independently-evaluated",
    ]


def test_the_page_for_people_explains_the_api(client, throttle_rates):
    throttle_rates(
        anonymous="60/minute", partner="1/s", **{"partner-suggestions": "30/hour"}
    )

    response = client.get(reverse("api:index"))

    assert response.status_code == 200
    text = response.content.decode()
    for heading in ("Paging", "Filtering", "Facet counts", "Keeping a copy in step"):
        assert heading in text
    assert "How to cite" in text
    assert "Terms of use" in text
    assert "60 requests a minute" in text
    assert "1 request a second" in text


def test_the_interactive_docs_use_local_assets(client):
    response = client.get(reverse("api:docs"))

    assert response.status_code == 200
    text = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in text
    assert "https://" not in text
    script = client.get(reverse("api:docs") + "?script=").content.decode()
    assert reverse("api:schema") in script
    assert '"validatorUrl": null' in script


def test_the_interactive_docs_load_only_the_scripts_they_run(client):
    text = client.get(reverse("api:docs")).content.decode()

    # drf-spectacular's script uses Swagger UI's base layout: the standalone
    # preset (its top bar, 268 KB) would be parsed and run for nothing.
    assert "swagger-ui-standalone-preset" not in text
    scripts = re.findall(r"<script\b[^>]*>", text)
    assert len(scripts) == 3  # the bundle, its settings, the page's own
    assert all(" defer" in script for script in scripts), scripts
    # What the page is, and the reference without JavaScript, come first.
    assert text.index("<h1>") < text.index('id="swagger-ui"')
    assert f'href="{reverse("api:index")}"' in text


@pytest.fixture
def docs_server():
    """The app on a free port, in a thread, without a transactional test.

    pytest-django's live_server would make the test transactional, and the
    flush after it would empty tables that migrations fill (the curators
    group) in the test database that later runs reuse. The docs need no test
    data, so this server reads the committed database as it is.
    """
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.db import connections

    app = StaticFilesHandler(application)

    def closing_app(environ, start_response):
        try:
            return list(app(environ, start_response))
        finally:
            connections.close_all()  # this thread's connection, each time

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = make_server("127.0.0.1", 0, closing_app, handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.mark.browser
def test_the_docs_page_makes_no_request_off_this_host(docs_server, browser):
    page = browser.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(docs_server + reverse("api:docs"))
    page.locator(".opblock-tag").first.wait_for()

    assert page.locator("text=/api/v1/initiatives/").count() > 0
    assert any(url.endswith(reverse("api:schema")) for url in requested)
    assert all(url.startswith(docs_server) for url in requested), requested
    page.close()


@pytest.mark.browser
def test_every_link_in_the_interactive_docs_has_an_address(docs_server, browser):
    # Swagger UI wraps each operation's path, inside the button that opens
    # it, in a link with no address; crawlers report such links (Lighthouse
    # SEO, crawlable-anchors). The page's script marks them as text.
    from playwright.sync_api import expect

    page = browser.new_page()
    page.goto(docs_server + reverse("api:docs"))
    page.locator(".opblock-summary-path").first.wait_for()

    expect(page.locator("a:not([href]):not([role])")).to_have_count(0)
    assert page.locator(".opblock-summary-path a[role=none]").count() > 0
    page.close()


@pytest.mark.browser
def test_the_page_for_people_is_accessible(docs_server, browser):
    from tests.axe import axe_violations, describe

    page = browser.new_page()
    page.goto(docs_server + reverse("api:index"))

    assert not (violations := axe_violations(page)), describe(violations)
    page.close()


# Schemathesis: every operation of the schema, with generated valid and invalid
# parameters, must give no server error, only documented statuses and content
# types, and bodies and headers that match the schema.


@pytest.fixture
def one_connection():
    """Keep the test's database connection across in-process WSGI calls.

    Django closes "old" connections when a request starts and ends; calling
    the WSGI application directly would close the connection holding the
    test's transaction. Django's own test client does the same as this.
    """
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db, no_rate_limits, one_connection, small_library):
    # Generated requests must not run into the rate limit.
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


def _first_page(case):
    """Keep valid requests on page 1.

    A page past the last is a 404 by design, and how many pages there are
    depends on the data, which no schema can say; any page_size is valid on
    page 1. Invalid requests keep whatever page they were given.
    """
    if case.meta.generation.mode.is_positive and isinstance(case.query, dict):
        if "page" in case.query:
            case.query["page"] = 1
    # In process, nothing would undo the gzip a client over HTTP undoes.
    case.headers = {**(case.headers or {}), "Accept-Encoding": "identity"}
    return case


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_conforms_to_its_schema(api_schema, mode):
    failures = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy(generation_mode=mode).map(_first_page))
        @hypothesis_settings(
            max_examples=30,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.call_and_validate()

        try:
            check()
        except Exception as error:  # noqa: BLE001 (report every operation at once)
            failures.append(f"{operation.label}:\n{error}")

    assert not failures, "\n\n".join(failures)


def test_api_holds_when_calls_follow_links(api_schema):
    """The stateful phase: schemathesis infers the links from each list to
    its entries and walks them, a list's slugs feeding the entry it asks
    for next, with valid and invalid data and every default check."""
    state_machine = api_schema.as_state_machine()

    calls: list[tuple[str, int]] = []

    class FollowingLinks(state_machine):  # type: ignore[misc,valid-type]
        def before_call(self, case):
            _first_page(case)

        def after_call(self, response, case):
            calls.append((case.operation.label, response.status_code))

    # One link from each of the seven lists to its entries.
    links = [name for name in dir(state_machine) if "___200_" in name]
    assert len(links) == 7, links
    run_state_machine_as_test(
        FollowingLinks,
        # Enough runs that, whatever slugs the lists give, several of their
        # entries are reached: strict parameters refuse the many negative
        # variants, so fewer steps end on an entry than before.
        settings=hypothesis_settings(
            max_examples=60,
            stateful_step_count=8,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    # Entries were reached through the slugs their lists gave.
    found = {label for label, status in calls if status == 200 and "{slug}" in label}
    assert len(found) >= 4, calls
