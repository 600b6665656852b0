"""Hostile input: arbitrary query strings at every public page and API
endpoint, and hostile values through the suggestion form.

Property-based (hypothesis), derandomized, so every run sends the same
requests: random parameter names and values, huge and negative numbers,
Unicode, NUL bytes, lone surrogates and bytes that are not UTF-8, SQL and
HTML fragments, very long values, repeated keys. Whatever comes in, no
answer is a server error, none shows a traceback or the database's error
text, and nothing sent comes back as live markup.
"""

import json
import time
from urllib.parse import quote

import pytest
from django.urls import URLResolver, get_resolver, resolve, reverse
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from initiatives.forms import fill_time_token
from initiatives.models import (
    Briefing,
    Initiative,
    InitiativeSource,
    Organisation,
    Source,
    Suggestion,
)
from initiatives.sitemaps import SITEMAPS
from tests.factories import make_source, make_user

pytestmark = pytest.mark.django_db

EXAMPLES = hypothesis_settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Markup a visitor might try to have echoed; each has a token to find it by.
MARKUP = [
    "<script>alert('hx1')</script>",
    '"><img src=x onerror=alert("hx2")>',
    "'><svg onload=alert('hx3')>",
    "</textarea><script>hx4</script>",
    "javascript:alert('hx5')",
    "</script><script>hx6</script>",
    '<a href="javascript:hx7">x</a>',
]
LIVE_MARKUP = ["<script>alert('hx1')", "<img src=x", "<svg onload", "<script>hx"]
SQL = [
    "' OR 1=1 --",
    "'; DROP TABLE initiatives_initiative; --",
    '" OR ""="',
    "1) UNION SELECT password FROM auth_user --",
    "\\'; SELECT pg_sleep(5); --",
    "%' AND 1=0 UNION SELECT NULL--",
]
# Put in the query string as they are: not valid percent-encoded UTF-8.
RAW = [
    "%00",
    "a%00b",
    "%ED%A0%80",  # a lone surrogate, UTF-8-encoded
    "%ED%B0%80x",
    "%FF%FE",
    "%C0%AF",  # overlong "/"
    "%",
    "%%",
    "%zz",
    "%E2%82",  # cut short
]
NUMBERS = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.sampled_from(
        [
            "0",
            "-1",
            "-0",
            "00001",
            "1e309",
            "NaN",
            "inf",
            "-inf",
            "1.5",
            "0x10",
            "9" * 400,
            "2147483648",
            "9223372036854775808",
            "1_000",
            "١٢٣",
        ]
    ),  # fmt: skip
)
DATES = st.sampled_from(
    ["2025-13-45", "0000-00-00", "9999-12-31T23:59:59Z", "2025-01-31T09:00:00+99:99",
     "2025-02-30", "-2025-01-01", "2025-01-01T00:00:00", "yesterday", "1e10"]
)  # fmt: skip
TEXT = st.text(max_size=40)
LONG = st.sampled_from(["a" * 5000, "é" * 3000, "<" * 2000, "%25" * 2000, "q " * 4000])

PARAMETERS = [
    "q", "page", "page_size", "theme", "police_area", "nation", "region",
    "target_group", "status", "evidence_min", "start_year_min", "start_year_max",
    "briefing", "organisation", "updated_since", "ordering", "format", "facets",
    "cursor", "limit", "offset", "script", "lang", "callback", "next",
]  # fmt: skip
# Mostly the parameters pages read, so that values reach the code.
NAMES = st.one_of(
    st.sampled_from(PARAMETERS),
    st.sampled_from(PARAMETERS),
    st.sampled_from(PARAMETERS),
    st.sampled_from(PARAMETERS).map(lambda name: name + "[]"),
    TEXT,
    st.sampled_from(MARKUP + SQL),
)


@st.composite
def _pair(draw) -> str:
    """One name=value, encoded as a browser would, or raw as a robot might."""
    name = draw(NAMES)
    kind = draw(st.sampled_from(["text", "number", "date", "markup", "sql", "raw", "long", "unencoded"]))  # fmt: skip
    if kind == "raw":
        return f"{quote(name)}={draw(st.sampled_from(RAW))}"
    if kind == "unencoded":
        # Bytes as they came, as a server passes them on (Latin-1 in WSGI).
        value = draw(TEXT)
        return f"{name}={value}".encode().decode("latin-1")
    value = draw(
        {
            "text": TEXT,
            "number": NUMBERS,
            "date": DATES,
            "markup": st.sampled_from(MARKUP),
            "sql": st.sampled_from(SQL),
            "long": LONG,
        }[kind]
    )
    return f"{quote(name, safe='')}={quote(value, safe='')}"


@st.composite
def query_strings(draw) -> str:
    pairs = draw(st.lists(_pair(), max_size=6))
    if pairs and draw(st.booleans()):  # repeated keys
        pairs += [draw(st.sampled_from(pairs))] * draw(st.integers(1, 30))
    return "&".join(pairs)


def _every_parameter(value: str) -> str:
    return "&".join(f"{name}={value}" for name in PARAMETERS)


# Sent to every page on top of the generated ones: each kind of hostile
# value in every parameter at once, and the classic paging attacks.
EVERY_PAGE = [
    "&".join(
        f"{name}={quote(MARKUP[n % len(MARKUP)], safe='')}"
        for n, name in enumerate(PARAMETERS)
    ),
    _every_parameter(quote(SQL[1], safe="")),
    _every_parameter("%00"),
    _every_parameter("%ED%A0%80"),
    _every_parameter("%FF"),
    _every_parameter("9" * 40),
    _every_parameter("-1"),
    "page=0&page_size=0",
    "page=99999999999999999999&page_size=1000000",
    "&".join(["theme=frontline-integration"] * 200 + ["page=2"] * 50),
    "q=" + "a" * 20000,
]


LEAKED_ERRORS = [
    "Traceback",
    'File "/',
    "ProgrammingError",
    "OperationalError",
    "DataError",
    "IntegrityError",
    "psycopg",
    "django.db",
    "syntax error at or near",
    "SQLSTATE",
    "invalid byte sequence",
    "unterminated",
]
MARKUP_TYPES = ("text/html", "application/xml", "application/atom+xml", "text/xml")


def check_answer(response, what: str) -> None:
    assert response.status_code < 500, what
    raw = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    body = raw.decode("utf-8", errors="replace")
    for text in LEAKED_ERRORS:
        assert text not in body, (what, text)
    content_type = response.get("Content-Type", "")
    if content_type.startswith(MARKUP_TYPES):
        for live in LIVE_MARKUP:
            assert live not in body, (what, live)
    if content_type.startswith("application/jsonl"):  # JSON Lines
        for line in raw.splitlines():
            json.loads(line)
    elif content_type.startswith("application/json"):
        json.loads(raw)


def _public_paths() -> dict[str, str]:
    initiative = Initiative.objects.published().earliest("pk")
    briefing = Briefing.objects.published().get()
    organisation = Organisation.objects.earliest("pk")
    source = Source.objects.public().first()
    if source is None:  # the starting set cites briefings only
        source = make_source(slug="hostile-source", publishers=[organisation])
        InitiativeSource.objects.create(initiative=initiative, source=source)
    theme, area = "frontline-integration", "essex"
    paths = {
        "home": reverse("initiatives:home"),
        "search": reverse("initiatives:list"),
        "export csv": reverse("initiatives:export-csv"),
        "export json": reverse("initiatives:export-json"),
        "download csv": reverse("initiatives:download-csv"),
        "download jsonl": reverse("initiatives:download-jsonl"),
        "feed": reverse("initiatives:feed"),
        "initiative": initiative.get_absolute_url(),
        "areas": reverse("initiatives:police-area-list"),
        "compare": reverse("initiatives:police-area-compare"),
        "initiative comparison": reverse("initiatives:compare"),
        "evidence": reverse("initiatives:evidence"),
        "area": reverse("initiatives:police-area-detail", args=[area]),
        "area feed": reverse("initiatives:police-area-feed", args=[area]),
        "briefings": reverse("initiatives:briefing-list"),
        "briefing": briefing.get_absolute_url(),
        "organisations": reverse("initiatives:organisation-list"),
        "organisation": reverse(
            "initiatives:organisation-detail", args=[organisation.slug]
        ),
        "sources": reverse("initiatives:source-list"),
        "source": source.get_absolute_url(),
        "suggest": reverse("initiatives:suggest"),
        "suggest thanks": reverse("initiatives:suggest-thanks"),
        "report a problem": reverse("initiatives:report-problem"),
        "report a problem thanks": reverse("initiatives:report-problem-thanks"),
        "themes": reverse("themes:list"),
        "theme": reverse("themes:detail", args=[theme]),
        "theme feed": reverse("themes:feed", args=[theme]),
        "accessibility": reverse("accessibility"),
        "robots": reverse("robots"),
        "favicon": reverse("favicon"),
        "sitemap": reverse("sitemap"),
        "not found": "/no-such-page/",
        "healthz": reverse("healthz"),
        "api index": reverse("api:index"),
        "api docs": reverse("api:docs"),
        "api schema": reverse("api:schema"),
        "api root": reverse("api:api-root"),
        # Partners POST suggestions here; a GET is a 405, but must stay one.
        "api suggestions": reverse("api:suggestion-list"),
        "api changes": reverse("api:change-list"),
    }
    for section in SITEMAPS:
        paths[f"sitemap {section}"] = reverse("sitemap-section", args=[section])
    for name, slug in [
        ("initiative", initiative.slug),
        ("police-area", area),
        ("theme", theme),
        ("briefing", briefing.slug),
        ("organisation", organisation.slug),
        ("source", source.slug),
        ("target-group", "young-adults"),
    ]:
        paths[f"api {name} list"] = reverse(f"api:{name}-list")
        paths[f"api {name}"] = reverse(f"api:{name}-detail", args=[slug])
    return paths


PAGES = [
    "home", "search", "export csv", "export json", "download csv", "download jsonl",
    "feed", "initiative", "areas", "compare", "initiative comparison", "evidence",
    "area", "area feed", "briefings", "briefing", "organisations",
    "organisation", "sources", "source", "suggest", "suggest thanks",
    "report a problem", "report a problem thanks", "themes",
    "theme", "theme feed",
    "accessibility", "robots", "favicon", "sitemap", "not found", "healthz", "api index",
    "api docs", "api root", "sitemap pages", "sitemap initiatives", "sitemap themes",
    "sitemap police-areas", "sitemap briefings", "sitemap organisations",
    "sitemap sources",
    "api initiative list", "api initiative", "api police-area list", "api police-area",
    "api theme list", "api theme", "api briefing list", "api briefing",
    "api organisation list", "api organisation", "api source list", "api source",
    "api target-group list",
    "api target-group", "api suggestions", "api changes",
]  # fmt: skip


def _public_view_names() -> set[str]:
    """Every named route but the admin's, with its namespace."""
    names = set()

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    names.add("admin")
                    continue
                inner = pattern.namespace or ""
                walk(
                    pattern.url_patterns, f"{namespace}{inner}:" if inner else namespace
                )
            elif pattern.name:
                names.add(namespace + pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


@pytest.mark.usefixtures("seeded_library", "no_rate_limits")
class TestHostileQueryStrings:
    def test_every_public_address_is_listed(self):
        # A new page or endpoint must join the list, or this fails.
        paths = _public_paths()
        del paths["not found"]
        covered = {resolve(path).view_name for path in paths.values()}
        assert covered >= _public_view_names() - {"admin"}
        assert set(PAGES) | {"api schema", "not found"} == set(_public_paths())

    @pytest.mark.parametrize("page", PAGES)
    def test_no_server_error_trace_or_live_markup(self, client, page):
        path = _public_paths()[page]

        @given(query=query_strings())
        @hypothesis_settings(max_examples=8, parent=EXAMPLES)
        def check(query):
            response = client.get(path, QUERY_STRING=query)
            check_answer(response, f"{page}: {path}?{query}")

        for query in EVERY_PAGE:
            check = example(query=query)(check)
        check()

    def test_the_schema_survives_hostile_query_strings(self, client):
        # The schema is costly to build, so fewer examples.
        @given(query=query_strings())
        @hypothesis_settings(max_examples=4, parent=EXAMPLES)
        def check(query):
            response = client.get(reverse("api:schema"), QUERY_STRING=query)
            check_answer(response, f"schema?{query}")

        check()

    def test_hostile_headers_on_the_search_page_and_api(self, client):
        @given(
            value=st.one_of(st.sampled_from(MARKUP + SQL), TEXT),
            header=st.sampled_from(
                [
                    "HTTP_ACCEPT",
                    "HTTP_IF_NONE_MATCH",
                    "HTTP_IF_MODIFIED_SINCE",
                    "HTTP_AUTHORIZATION",
                    "HTTP_X_API_KEY",
                    "HTTP_ACCEPT_LANGUAGE",
                    "HTTP_X_FORWARDED_FOR",
                    "HTTP_REFERER",
                    "HTTP_USER_AGENT",
                ]
            ),  # fmt: skip
            path=st.sampled_from(["/initiatives/?q=hub", "/api/v1/initiatives/"]),
        )
        @hypothesis_settings(max_examples=40, parent=EXAMPLES)
        def check(value, header, path):
            # Headers travel as Latin-1 in WSGI, as the server decoded them.
            raw = value.encode().decode("latin-1")
            check_answer(client.get(path, **{header: raw}), f"{header}={value!r}")

        check()


# Form values, already encoded as a browser (or a robot) sends them.
HOSTILE_VALUE = st.one_of(
    TEXT.map(lambda value: quote(value, safe="")),
    st.sampled_from(MARKUP + SQL + ["a\x00b", "\u202e", "é" * 300]).map(
        lambda value: quote(value, safe="")
    ),
    st.sampled_from(RAW),
    LONG.map(lambda value: quote(value, safe="")),
)


@pytest.mark.usefixtures("seeded_library", "no_rate_limits")
class TestHostileSuggestions:
    def test_hostile_suggestions_are_refused_or_kept_harmless(self, client):
        area = str(
            Initiative.objects.published().values_list("police_areas", flat=True)[0]
        )
        admin = type(client)()
        admin.force_login(make_user(is_staff=True, is_superuser=True))
        kept = []

        @given(
            markup=st.sampled_from(MARKUP),
            hostile=st.dictionaries(
                st.sampled_from(
                    [
                        "title",
                        "summary",
                        "description",
                        "website",
                        "submitter_name",
                        "submitter_email",
                        "submitter_organisation",
                        "consent",
                        "started",
                        "police_areas",
                        "fax_number",
                    ]
                ),  # fmt: skip
                HOSTILE_VALUE,
                max_size=3,
            ),
        )
        @hypothesis_settings(max_examples=50, parent=EXAMPLES)
        def check(markup, hostile):
            # A valid suggestion whose every text carries markup, with up to
            # three fields replaced by something hostile.
            fields = {
                "title": f"Triage {markup}",
                "summary": f"Nurses {markup} join officers.",
                "description": f"## How\n\n{markup}",
                "website": "https://example.org/x",
                "submitter_name": f"A {markup}",
                "submitter_email": "someone@example.org",
                "submitter_organisation": markup,
                "consent": "on",
                "started": fill_time_token(time.time() - 30),
                "police_areas": area,
                "fax_number": "",
            }
            body = "&".join(
                f"{name}={quote(value, safe='')}"
                if name not in hostile
                else f"{name}={hostile[name]}"
                for name, value in fields.items()
            )
            before = Suggestion.objects.count()
            response = client.post(
                reverse("initiatives:suggest"),
                body,
                content_type="application/x-www-form-urlencoded",
            )
            check_answer(response, f"suggest {body[:500]}")
            assert response.status_code in (200, 302), body[:500]
            if Suggestion.objects.count() == before:
                return
            # Kept: curators see it, escaped, in the list and on its pages.
            suggestion = Suggestion.objects.latest("pk")
            kept.append(suggestion.pk)
            for url in [
                reverse("admin:initiatives_suggestion_changelist"),
                reverse("admin:initiatives_suggestion_change", args=[suggestion.pk]),
                reverse(
                    "admin:initiatives_initiative_change",
                    args=[suggestion.initiative_id],
                ),
            ]:
                check_answer(admin.get(url), url)

        check()
        assert len(kept) >= 10  # the checks of the admin pages did run
