"""The API as an HTTP citizen: validators and 304s, caching, CORS, errors."""

import gzip

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from initiatives.services.publishing import publish_initiative, withdraw_initiative
from practice_library import viewsets
from practice_library.content_version import CACHE_KEY as CONTENT_VERSION_CACHE_KEY
from practice_library.viewsets import ConditionalContentMixin
from tests.factories import make_initiative, make_theme
from tests.initiatives.api_helpers import api_url

pytestmark = pytest.mark.django_db

LIST = api_url("initiative-list")
# A list whose validators come from the content version.
VERSIONED = api_url("theme-list")


@pytest.fixture
def hub():
    return make_initiative(slug="hub", title="Hub")


class TestConditionalGet:
    def test_answers_carry_validators_and_public_caching(self, client, hub):
        response = client.get(LIST)

        assert response["ETag"].startswith('W/"')
        assert response["Last-Modified"].endswith(" GMT")
        assert response["Cache-Control"] == "public, max-age=60"
        assert "Accept" in response["Vary"]

    def test_if_none_match_gives_304_without_touching_the_database(
        self, client, hub, django_assert_num_queries
    ):
        etag = client.get(VERSIONED)["ETag"]

        with django_assert_num_queries(0):
            response = client.get(VERSIONED, HTTP_IF_NONE_MATCH=etag)

        assert response.status_code == 304
        assert response.content == b""
        assert response["ETag"] == etag
        assert response["Cache-Control"] == "public, max-age=60"

    def test_if_modified_since_gives_304(self, client, hub):
        last_modified = client.get(LIST)["Last-Modified"]

        response = client.get(LIST, HTTP_IF_MODIFIED_SINCE=last_modified)

        assert response.status_code == 304

    def test_an_older_copy_gets_the_full_answer(self, client, hub):
        response = client.get(
            LIST, HTTP_IF_MODIFIED_SINCE="Mon, 01 Jan 2001 00:00:00 GMT"
        )

        assert response.status_code == 200

    def test_detail_answers_304_too(self, client, hub):
        url = api_url("initiative-detail", slug="hub")
        etag = client.get(url)["ETag"]

        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304

    def test_each_query_and_format_has_its_own_etag(self, client, hub):
        etags = {
            client.get(LIST)["ETag"],
            client.get(f"{LIST}?status=active")["ETag"],
            client.get(f"{LIST}?format=csv")["ETag"],
            client.get(LIST, HTTP_ACCEPT="text/csv")["ETag"],
        }

        assert len(etags) == 4

    @pytest.mark.parametrize("change", ["publish", "withdraw", "edit", "link"])
    def test_publishing_withdrawing_or_editing_changes_the_etag(
        self, client, hub, change, django_capture_on_commit_callbacks
    ):
        draft = make_initiative(slug="draft", state="draft")
        before = client.get(LIST)
        changes = {
            "publish": lambda: publish_initiative(draft),
            "withdraw": lambda: withdraw_initiative(hub),
            "edit": lambda: hub.save(),
            "link": lambda: hub.themes.add(make_theme()),
        }

        with django_capture_on_commit_callbacks(execute=True):
            changes[change]()
        after = client.get(LIST, HTTP_IF_NONE_MATCH=before["ETag"])

        assert after.status_code == 200
        assert after["ETag"] != before["ETag"]

    def test_errors_carry_no_validators(self, client):
        response = client.get(f"{LIST}?page=0")

        assert response.status_code == 400
        assert "ETag" not in response
        assert "Cache-Control" not in response

    def test_head_is_answered_like_get(self, client, hub):
        response = client.head(LIST)

        assert response.status_code == 200
        assert response["ETag"] == client.get(LIST)["ETag"]


EARLY = "practice_library.viewsets.NotModifiedMiddleware"


@pytest.fixture
def view_reached(monkeypatch):
    """Record each time a request reaches an API view's conditional check."""
    reached: list[str] = []
    check = ConditionalContentMixin.check_throttles

    def recording(view, request):
        reached.append(request.path)
        return check(view, request)

    monkeypatch.setattr(ConditionalContentMixin, "check_throttles", recording)
    return reached


def _without_early_answers(settings) -> None:
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != EARLY]


class TestEarlyNotModified:
    """NotModifiedMiddleware: most 304s before Django's and DRF's handling.

    For answers keyed on the content version (all but the initiatives'
    list and entries, whose validators come from what they show)."""

    def test_a_current_copy_is_answered_before_the_view_without_sql(
        self, client, hub, view_reached, django_assert_num_queries
    ):
        etag = client.get(VERSIONED)["ETag"]
        view_reached.clear()

        with django_assert_num_queries(0):
            response = client.get(VERSIONED, HTTP_IF_NONE_MATCH=etag)

        assert response.status_code == 304
        assert response.content == b""
        assert view_reached == []

    def test_an_entrys_own_validators_are_checked_by_the_view(
        self, client, hub, view_reached, django_assert_num_queries
    ):
        """An initiative's ETag comes from its latest public change, which
        only the database knows: the early answer leaves it to the view."""
        detail = api_url("initiative-detail", slug="hub")
        etag = client.get(detail)["ETag"]

        with django_assert_num_queries(1):  # the entry's latest change
            response = client.get(detail, HTTP_IF_NONE_MATCH=etag)

        assert response.status_code == 304
        assert view_reached == [detail, detail]

    @pytest.mark.parametrize(
        "path, method, headers",
        [
            (VERSIONED, "get", {}),
            (f"{VERSIONED}?page_size=5", "get", {}),
            (api_url("api-root"), "get", {}),
            (VERSIONED, "head", {}),
            (VERSIONED, "get", {"HTTP_ACCEPT": "application/json"}),
            (VERSIONED, "get", {"HTTP_ORIGIN": "https://partner.example"}),
        ],
    )
    def test_its_304_is_the_one_the_view_gives(
        self, client, settings, hub, view_reached, path, method, headers
    ):
        etag = client.get(path, **headers)["ETag"]
        early = getattr(client, method)(path, HTTP_IF_NONE_MATCH=etag, **headers)
        assert view_reached == [path.split("?")[0]]  # only the first GET

        _without_early_answers(settings)
        late = getattr(Client(), method)(path, HTTP_IF_NONE_MATCH=etag, **headers)

        assert len(view_reached) == 2
        assert early.status_code == late.status_code == 304
        # Beside the view's 304 come DRF's Allow, which a 304 need not carry,
        # and CommonMiddleware's "Content-Length: 0", which a 304 should not
        # (RFC 9110 8.6: only the length the 200 would have).
        assert {**early.headers} == {
            name: value
            for name, value in late.headers.items()
            if name not in {"Allow", "Content-Length"}
        }

    @pytest.mark.parametrize(
        "query, headers, status",
        [
            ("?format=csv", {}, 304),
            ("?format=json", {}, 304),
            ("", {"HTTP_ACCEPT": "text/csv"}, 304),
            ("", {"HTTP_ACCEPT": "text/html"}, 304),
            ("", {"HTTP_IF_MATCH": '"other"'}, 412),
            ("", {"HTTP_IF_UNMODIFIED_SINCE": "Mon, 01 Jan 2001 00:00:00 GMT"}, 412),
        ],
    )
    def test_anything_but_the_plain_case_is_left_to_the_view(
        self, client, hub, view_reached, query, headers, status
    ):
        accept = {k: v for k, v in headers.items() if k == "HTTP_ACCEPT"}
        etag = client.get(f"{VERSIONED}{query}", **accept)["ETag"]
        view_reached.clear()

        response = client.get(f"{VERSIONED}{query}", HTTP_IF_NONE_MATCH=etag, **headers)

        assert view_reached == [VERSIONED]
        assert response.status_code == status

    def test_an_out_of_date_copy_goes_on_to_the_full_answer(
        self, client, hub, view_reached
    ):
        response = client.get(VERSIONED, HTTP_IF_NONE_MATCH='W/"1-0123456789abcdef"')

        assert response.status_code == 200
        assert view_reached == [VERSIONED]

    def test_without_the_version_in_the_cache_the_view_reads_it(
        self, client, hub, view_reached, django_assert_num_queries
    ):
        etag = client.get(VERSIONED)["ETag"]
        cache.delete(CONTENT_VERSION_CACHE_KEY)
        view_reached.clear()

        with django_assert_num_queries(1):  # the content version
            response = client.get(VERSIONED, HTTP_IF_NONE_MATCH=etag)

        assert response.status_code == 304
        assert view_reached == [VERSIONED]

    def test_a_host_not_allowed_is_a_json_400(self, client, hub):
        etag = client.get(VERSIONED)["ETag"]  # the content version is in the cache

        response = client.get(
            VERSIONED, HTTP_HOST="elsewhere.example", HTTP_IF_NONE_MATCH=etag
        )

        assert response.status_code == 400
        assert response.json()["code"] == "bad_request"

    def test_other_addresses_are_not_its_business(self, client, monkeypatch):
        versions_read = []
        monkeypatch.setattr(viewsets, "cached_version", lambda: versions_read.append(1))

        stale = {"HTTP_IF_NONE_MATCH": '"stale"'}
        assert client.get("/api/v1/nothing/", **stale).status_code == 404
        assert client.get(reverse("api:schema"), **stale).status_code == 200
        assert client.get(reverse("initiatives:list"), **stale).status_code == 200
        assert client.post(LIST, **stale).status_code == 405
        assert versions_read == []


class TestCors:
    def test_any_origin_may_read(self, client, hub):
        response = client.get(LIST, HTTP_ORIGIN="https://partner.example")

        assert response["Access-Control-Allow-Origin"] == "*"
        assert "ETag" in response["Access-Control-Expose-Headers"]
        assert "Retry-After" in response["Access-Control-Expose-Headers"]

    def test_preflight_allows_reading_only(self, client):
        response = client.options(
            LIST,
            HTTP_ORIGIN="https://partner.example",
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="x-api-key, if-none-match",
        )

        assert response.status_code == 200
        methods = {
            m.strip() for m in response["Access-Control-Allow-Methods"].split(",")
        }
        assert methods == {"GET", "HEAD", "OPTIONS"}
        headers = response["Access-Control-Allow-Headers"]
        assert "x-api-key" in headers
        assert "if-none-match" in headers

    def test_pages_outside_the_api_are_not_shared(self, client, hub):
        response = client.get(
            reverse("initiatives:list"), HTTP_ORIGIN="https://partner.example"
        )

        assert "Access-Control-Allow-Origin" not in response


class TestErrors:
    def test_an_unknown_path_under_the_api_is_a_json_404(self, client):
        response = client.get("/api/v1/no-such-thing/")

        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json()["code"] == "not_found"
        assert response.json()["errors"] == {}

    def test_a_slug_the_router_cannot_match_is_a_json_404(self, client):
        response = client.get("/api/v1/initiatives/not%20a%20slug/")

        assert response.status_code == 404
        assert response.json()["status"] == 404

    def test_writing_is_refused_with_a_json_405(self, client, hub):
        for method in (client.post, client.put, client.patch, client.delete):
            response = method(api_url("initiative-detail", slug="hub"))

            assert response.status_code == 405
            assert response.json()["code"] == "method_not_allowed"
            assert "POST" not in response["Allow"]

    def test_a_format_nobody_can_give_is_a_json_406(self, client):
        response = client.get(LIST, HTTP_ACCEPT="image/png")

        assert response.status_code == 406
        assert response.json() == {
            "status": 406,
            "code": "not_acceptable",
            "detail": "Could not satisfy the request Accept header.",
            "errors": {},
        }

    def test_a_server_error_is_json_under_the_api(self, monkeypatch):
        from initiatives import api

        def broken(*args, **kwargs):
            raise RuntimeError("boom")

        monkeypatch.setattr(api.PoliceAreaViewSet, "get_queryset", broken)
        client = Client(raise_request_exception=False)

        response = client.get(api_url("police-area-list"))

        assert response.status_code == 500
        assert response["Content-Type"] == "application/json"
        assert response.json() == {
            "status": 500,
            "code": "server_error",
            "detail": "The server failed to answer. The error has been logged; "
            "please try again later.",
            "errors": {},
        }

    def test_pages_outside_the_api_keep_their_html_errors(self, client):
        response = client.get("/no-such-page/")

        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")


class TestPartnerExpectations:
    @pytest.mark.parametrize(
        "address",
        [api_url("initiative-list"), api_url("initiative-detail", slug="hub")],
    )
    @pytest.mark.parametrize(
        "asked",
        [{"QUERY_STRING": "format=csv"}, {"HTTP_ACCEPT": "text/csv"}],
        ids=["format", "accept"],
    )
    def test_options_asked_for_as_csv_is_answered_in_json(
        self, client, hub, address, asked
    ):
        response = client.options(address, **asked)

        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert "name" in response.json()

    def test_head_renders_no_body_and_keeps_the_headers(self, client, hub, monkeypatch):
        got = client.get(LIST)

        def never(*args, **kwargs):
            raise AssertionError("the body was rendered")

        monkeypatch.setattr(viewsets.JSONRenderer, "render", never)
        head = client.head(LIST)

        assert head.status_code == 200
        assert head.content == b""
        for name in ("Content-Type", "ETag", "X-Total-Count", "Link"):
            assert head[name] == got[name], name

    def test_a_long_query_string_is_the_apis_400(self, client, settings):
        settings.API_MAX_QUERY_LENGTH = 100

        response = client.get(LIST, QUERY_STRING="theme=a&q=" + "x" * 200)

        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        assert list(response.json()["errors"]) == ["q"]

    def test_every_counted_answer_carries_the_rate_limit(
        self, client, hub, throttle_rates
    ):
        throttle_rates(anonymous="5/minute")

        first = client.get(LIST)
        second = client.get(api_url("initiative-detail", slug="hub"))
        refused = client.get(LIST, {"page": "0"})

        assert first["RateLimit-Limit"] == "5"
        assert first["RateLimit-Remaining"] == "4"
        assert 1 <= int(first["RateLimit-Reset"]) <= 60
        assert second["RateLimit-Remaining"] == "3"
        assert refused.status_code == 400
        assert refused["RateLimit-Remaining"] == "2"
        for _ in range(2):
            client.get(LIST)
        over = client.get(LIST)
        assert over.status_code == 429
        assert over["RateLimit-Remaining"] == "0"
        assert "Retry-After" in over

    def test_json_and_csv_are_compressed_when_accepted(self, client, hub):
        for query in ("", "format=csv"):
            plain = client.get(LIST, QUERY_STRING=query)
            packed = client.get(LIST, QUERY_STRING=query, HTTP_ACCEPT_ENCODING="gzip")

            assert "Content-Encoding" not in plain
            assert packed["Content-Encoding"] == "gzip"
            assert gzip.decompress(packed.content) == plain.content
            assert "Accept-Encoding" in packed["Vary"]

    def test_pages_with_forms_are_never_compressed(self, client, hub):
        for address in (reverse("initiatives:list"), LIST + "?format=api"):
            response = client.get(address, HTTP_ACCEPT_ENCODING="gzip")

            assert "Content-Encoding" not in response, address

    def test_answers_link_to_the_licence(self, client, hub, settings):
        for address in (LIST, api_url("initiative-detail", slug="hub")):
            link = client.get(address)["Link"]

            assert f'<{settings.DATA_LICENCE["url"]}>; rel="license"' in link

    def test_the_schema_states_the_licence(self, client):
        info = client.get(reverse("api:schema"), {"format": "json"}).json()["info"]

        assert info["license"]["name"] == "Open Government Licence v3.0"

    @pytest.mark.parametrize("name", ["police-area-list", "theme-list"])
    def test_the_reference_lists_come_whole(self, client, name):
        from tests.factories import make_police_area

        for _ in range(25):
            (make_police_area if name == "police-area-list" else make_theme)()

        body = client.get(api_url(name)).json()

        assert body["count"] == 25
        assert len(body["results"]) == 25
        assert body["next"] is None

    def test_facets_repeated_or_comma_separated_are_the_same(self, client, hub):
        repeated = client.get(LIST, QUERY_STRING="facets=theme&facets=status")
        commas = client.get(LIST, QUERY_STRING="facets=theme,status")

        assert repeated.status_code == 200
        assert repeated.json()["facets"] == commas.json()["facets"]
        assert set(repeated.json()["facets"]) == {"theme", "status"}
