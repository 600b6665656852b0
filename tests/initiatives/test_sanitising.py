"""No script reaches a reader: Markdown is sanitised, links are http(s) only."""

import pytest
from django.urls import reverse

from initiatives.models import Initiative, Organisation
from tests.factories import make_initiative, make_police_area, make_publisher

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


def _initiative_form(area, website: str) -> dict:
    data = {
        "title": "Street triage",
        "slug": "street-triage",
        "summary": "Nurses with officers.",
        "police_areas": [area.pk],
        "start_date_precision": "year",
        "end_date_precision": "year",
        "website": website,
    }
    for prefix in [
        "organisation_roles",
        "funding",
        "toolkit_links",
        "briefing_mentions",
    ]:
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    return data


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
        _initiative_form(make_police_area(), address),
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
        _initiative_form(make_police_area(), typed),
    )

    assert response.status_code == 302
    assert Initiative.objects.get().website == stored
