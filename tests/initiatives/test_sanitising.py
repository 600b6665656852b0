"""No script reaches a reader: Markdown is sanitised, links are http(s) only,
and every other text anyone types is escaped on every surface that shows it."""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from initiatives.models import (
    BriefingMention,
    Funding,
    GovernancePeriod,
    Initiative,
    InitiativeSource,
    KeyFinding,
    Organisation,
)
from initiatives.services.suggestions import submit_suggestion
from tests.admin_forms import new_initiative_data
from tests.factories import (
    make_briefing,
    make_initiative,
    make_organisation,
    make_police_area,
    make_publisher,
    make_source,
    make_target_group,
    make_theme,
    make_user,
)

pytestmark = pytest.mark.django_db

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<p onmouseover="alert(1)">hover</p>',
    "<body onload=alert(1)>",
    '<a href="javascript:alert(1)">link</a>',
    '<a href="JaVaScRiPt:alert(1)">link</a>',
    '<a href="&#106;avascript:alert(1)">entity</a>',
    '<a href="&#x6A;&#x61;vascript&#58;alert(1)">hex entity</a>',
    '<a href="jav&#x09;ascript:alert(1)">tab</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">d</a>',
    "[markdown link](javascript:alert(1))",
    "[spaced](  javascript:alert(1))",
    "[data link](data:text/html,<script>alert(1)</script>)",
    "![image](javascript:alert(1))",
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">styled</div>',
    "<svg onload=alert(1)><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/x.swf">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<a href="https://example.org" onclick="alert(1)">click</a>',
    "<template><script>alert(1)</script></template>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
]
FORBIDDEN = [
    "<script",
    "onerror",
    "onload",
    "onmouseover",
    "onclick",
    "javascript:",
    "vbscript:",
    "data:text",
    "<style",
    "style=",
    "<iframe",
    "srcdoc",
    "<object",
    "<embed",
    "<svg",
    "<math",
    "<form",
    "<base",
    "http-equiv",
    "evil.example",
    "<template",
    "<img",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_detail_page_never_carries_script_from_a_description(client, payload):
    baseline = client.get(make_initiative(description="Plain.").get_absolute_url())
    initiative = make_initiative(description=f"Before.\n\n{payload}\n\nAfter.")

    response = client.get(initiative.get_absolute_url())

    html = response.content.decode()
    lowered = html.lower()
    plain = baseline.content.decode().lower()
    # The page's own tags (its JSON-LD, script file, <link> and <meta>) are
    # in the baseline too; the payload must not add a single one.
    for needle in [*FORBIDDEN, "<link", "<meta"]:
        assert lowered.count(needle) == plain.count(needle), (needle, payload)
    assert "Before." in html and "After." in html


def test_title_and_summary_are_escaped_not_rendered(client):
    initiative = make_initiative(
        title="<script>alert(1)</script>", summary="<img src=x onerror=alert(1)>"
    )

    html = client.get(initiative.get_absolute_url()).content.decode()

    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html


def test_safe_markdown_still_renders(client):
    initiative = make_initiative(
        description="## Outcome\n\n- **fewer** contacts\n\n[Report](https://example.org/r)"
    )

    html = client.get(initiative.get_absolute_url()).content.decode()

    assert "<h2>Outcome</h2>" in html
    assert "<strong>fewer</strong>" in html
    assert 'href="https://example.org/r"' in html
    assert 'rel="nofollow noopener"' in html


# -- web addresses: http and https only, through the admin's forms -------------


BAD_ADDRESSES = [
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "ftp://example.org/file",
    "file:///etc/passwd",
    "mailto:someone@example.org",
    "https://",
    "not a web address",
]


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_admin_refuses_addresses_that_are_not_http_or_https(client, address):
    client.force_login(make_publisher())

    initiative = client.post(
        reverse("admin:initiatives_initiative_add"),
        new_initiative_data(client, make_police_area(), website=address),
    )
    organisation = client.post(
        reverse("admin:initiatives_organisation_add"),
        {"name": "Org", "slug": "org", "kind": "other", "website": address},
    )

    for response in (initiative, organisation):
        assert response.status_code == 200
        assert "website" in response.context["adminform"].form.errors
    assert not Initiative.objects.exists()
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("http://example.org/a", "http://example.org/a"),
        ("example.org/a", "https://example.org/a"),
    ],
)
def test_admin_accepts_http_and_https_addresses(client, typed, stored):
    client.force_login(make_publisher())

    response = client.post(
        reverse("admin:initiatives_initiative_add"),
        new_initiative_data(client, make_police_area(), website=typed),
    )

    assert response.status_code == 302
    assert Initiative.objects.get().website == stored


# -- every other user-entered text, on every surface that shows it -------------

# Plain-text fields are escaped, never sanitised: each payload must come back
# as text. Each carries a marker ("xss1", ...) to find it by.
TEXT_PAYLOADS = [
    "<script>alert('xss1')</script>",
    "<img src=x onerror=alert('xss2')>",
    "\"><svg onload=alert('xss3')>",
    "</script><script>alert('xss4')</script>",
    "'><iframe src=javascript:alert('xss5')></iframe>",
    "<a href=\"javascript:alert('xss6')\">x</a>",
    "]]><script>alert('xss7')</script><![CDATA[",
    "</title><style>body{display:none}</style><b>xss8</b>",
]
# Markdown fields (descriptions, evidence notes) may keep harmless markup
# such as <b>; none of these may ever be live.
LIVE = ["<script>alert(", "<img src=x", "<svg onload", "<iframe", '<a href="javascript:',
        "<style>body"]  # fmt: skip


def _library_written_with(payload: str) -> dict:
    """Every text a curator or a submitter types, set to ``payload``."""
    area = make_police_area(name=f"Area {payload}", slug="kent")
    GovernancePeriod.objects.create(
        police_area=area,
        kind="pcc",
        body_name=f"Commissioner {payload}",
        started_on=datetime.date(2012, 11, 22),
        note=f"Note {payload}",
    )
    theme = make_theme(name=f"Theme {payload}", description=payload, slug="youth")
    group = make_target_group(name=f"Group {payload}", slug="women")
    organisation = make_organisation(
        name=f"Trust {payload}", description=payload, slug="trust"
    )
    initiative = make_initiative(
        title=f"Initiative {payload}",
        slug="hub",
        summary=f"Summary {payload}",
        evidence_note=f"Evidence {payload}",
        contact_name=f"Contact {payload}",
        police_areas=[area],
        themes=[theme],
        target_groups=[group],
        organisations={"lead": organisation},
    )
    source = make_source(
        title=f"Source {payload}",
        slug="report",
        authors=f"Author {payload}",
        summary=f"Source summary {payload}",
        publishers=[organisation],
    )
    InitiativeSource.objects.create(
        initiative=initiative, source=source, note=f"Supports {payload}"[:300]
    )
    Funding.objects.create(
        initiative=initiative, funder=organisation, note=payload, source=source
    )
    briefing = make_briefing(
        title=f"Briefing {payload}",
        slug="spotlight",
        series=f"Series {payload}",
        summary=f"Briefing summary {payload}",
        themes=[theme],
    )
    briefing.publishers.add(organisation)
    BriefingMention.objects.create(
        briefing=briefing, initiative=initiative, note=payload, order=1
    )
    KeyFinding.objects.create(briefing=briefing, text=f"Finding {payload}", order=1)
    suggestion = submit_suggestion(
        title=f"Suggested {payload}"[:200],
        police_areas=[area],
        summary=f"Suggested summary {payload}",
        submitter_name=f"Name {payload}"[:200],
        submitter_email="someone@example.org",
        submitter_organisation=f"Org {payload}"[:200],
        consent=True,
    )
    return {
        "area": area,
        "theme": theme,
        "organisation": organisation,
        "initiative": initiative,
        "briefing": briefing,
        "source": source,
        "suggestion": suggestion,
        "governance": area.governance_periods.get(),
    }


def _public_surfaces(rows: dict) -> list[str]:
    initiative, briefing = rows["initiative"], rows["briefing"]
    return [
        reverse("initiatives:home"),
        reverse("initiatives:list"),
        reverse("initiatives:list") + "?q=initiative&theme=youth",
        initiative.get_absolute_url(),
        reverse("initiatives:police-area-list"),
        reverse("initiatives:police-area-detail", args=["kent"]),
        reverse("initiatives:police-area-compare"),
        reverse("themes:list"),
        reverse("themes:detail", args=["youth"]),
        reverse("initiatives:briefing-list"),
        briefing.get_absolute_url(),
        reverse("initiatives:organisation-list"),
        reverse("initiatives:organisation-detail", args=["trust"]),
        reverse("initiatives:source-list"),
        rows["source"].get_absolute_url(),
        reverse("initiatives:list") + "?source=report",
        reverse("initiatives:suggest"),
        reverse("initiatives:feed"),
        reverse("themes:feed", args=["youth"]),
        reverse("initiatives:police-area-feed", args=["kent"]),
        reverse("sitemap"),
        reverse("sitemap-section", args=["initiatives"]),
        reverse("api:index"),
    ]


def _admin_surfaces(rows: dict) -> list[str]:
    def admin(model: str, view: str, *args) -> str:
        return reverse(f"admin:initiatives_{model}_{view}", args=args)

    return [
        admin("initiative", "changelist"),
        admin("initiative", "change", rows["initiative"].pk),
        admin("initiative", "change", rows["suggestion"].initiative_id),
        admin("initiative", "history", rows["initiative"].pk),
        admin("initiative", "data_quality"),
        admin("briefing", "changelist"),
        admin("briefing", "change", rows["briefing"].pk),
        admin("organisation", "changelist"),
        admin("organisation", "change", rows["organisation"].pk),
        admin("source", "changelist"),
        admin("source", "change", rows["source"].pk),
        admin("policearea", "changelist"),
        admin("policearea", "change", rows["area"].pk),
        admin("governanceperiod", "changelist"),
        admin("governanceperiod", "change", rows["governance"].pk),
        admin("suggestion", "changelist"),
        admin("suggestion", "change", rows["suggestion"].pk),
        admin("statechange", "changelist"),
        reverse("admin:themes_theme_changelist"),
        reverse("admin:index"),
    ]


def _text_of(response) -> str:
    raw = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    return raw.decode()


# Two payloads a run, every field holding both (police area names take at
# most 100 characters).
PAYLOAD_PAIRS = [
    " ".join(TEXT_PAYLOADS[n] for n in pair)
    for pair in [(0, 7), (1, 6), (2, 4), (3, 5)]
]


@pytest.mark.parametrize("payload", PAYLOAD_PAIRS)
def test_no_user_entered_text_runs_on_any_surface(client, payload):
    rows = _library_written_with(payload)
    curator = type(client)()
    curator.force_login(make_user(is_staff=True, is_superuser=True))
    pages = [(client, path) for path in _public_surfaces(rows)] + [
        (curator, path) for path in _admin_surfaces(rows)
    ]
    # The browsable API renders JSON into HTML.
    pages += [
        (client, reverse("api:initiative-detail", args=["hub"]) + "?format=api"),
        (client, reverse("api:briefing-detail", args=["spotlight"]) + "?format=api"),
    ]

    for who, path in pages:
        response = who.get(path)
        assert response.status_code == 200, path
        html = _text_of(response)
        for live in LIVE:
            assert live not in html, (path, live)
        # JSON-LD is data inside <script>: it must not be able to end it.
        for block in re.findall(
            r'<script type="application/ld\+json">(.*?)</script>', html, re.S
        ):
            assert "<" not in block, path
            json.loads(block)
    # The visible text is what was typed: escaped, not dropped.
    detail = client.get(rows["initiative"].get_absolute_url()).content.decode()
    assert escape(f"Initiative {payload}") in detail


@pytest.mark.parametrize("payload", TEXT_PAYLOADS[:2])
def test_data_downloads_carry_text_as_data_never_as_a_page(client, payload):
    _library_written_with(payload)

    for path in [
        reverse("initiatives:export-csv"),
        reverse("initiatives:export-json"),
        reverse("api:initiative-list"),
        reverse("api:initiative-list") + "?format=csv",
        reverse("api:briefing-detail", args=["spotlight"]),
        reverse("api:organisation-list") + "?format=csv",
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        # Not HTML, and browsers are told not to guess otherwise.
        assert response["Content-Type"].split(";")[0] in {
            "text/csv",
            "application/json",
        }
        assert response["X-Content-Type-Options"] == "nosniff"
        assert payload in _text_of(response) or json.dumps(payload) in _text_of(
            response
        )
    download = client.get(reverse("initiatives:export-csv"))
    assert download["Content-Disposition"].startswith("attachment;")
