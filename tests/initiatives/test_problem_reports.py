"""Reporting a problem with the website: the public form, its guards, the
curators' list in the admin, and privacy."""

import re
import time
from urllib.parse import quote

import pytest
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse

from initiatives.forms import fill_time_token, site_path
from initiatives.models import PROBLEM_REPORT_MAX_LENGTH, ProblemReport
from practice_library.content_version import current_version
from tests.factories import make_editor, make_initiative, make_publisher, make_user

pytestmark = pytest.mark.django_db

REPORT = "initiatives:report-problem"
THANKS = "initiatives:report-problem-thanks"
EMAIL = "ravi.private@example.org"


def _data(**overrides) -> dict:
    return {
        "kind": "accessibility",
        "description": "The map cannot be used with a keyboard.",
        "page": "/police-areas/",
        "reply_email": EMAIL,
        "fax_number": "",
        "started": fill_time_token(time.time() - 30),
        **overrides,
    }


def _report(client, **overrides):
    return client.post(reverse(REPORT), _data(**overrides))


def test_the_form_page_works_without_javascript(client):
    response = client.get(reverse(REPORT))

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<form method="post" action="{reverse(REPORT)}" novalidate>' in html
    assert 'name="csrfmiddlewaretoken"' in html
    # Only the site's deferred script file: nothing inline, nothing needed.
    assert re.findall(r"<script[^>]*>", html) == [
        f'<script src="{static("js/library.js")}" defer>'
    ]
    assert " style=" not in html
    assert 'class="form-trap" aria-hidden="true"' in html
    for value, _ in ProblemReport.Kind.choices:
        assert f'type="radio" name="kind" value="{value}"' in html
    assert '<meta name="robots"' not in html  # the form itself may be indexed
    assert response.context["form"].initial["started"]


def test_a_report_is_stored_and_the_visitor_thanked(client):
    response = _report(client)

    assert response.status_code == 302
    assert response.url == reverse(THANKS)
    report = ProblemReport.objects.get()
    assert (report.kind, report.page, report.reply_email, report.status) == (
        "accessibility",
        "/police-areas/",
        EMAIL,
        "new",
    )
    assert report.description == "The map cannot be used with a keyboard."
    assert report.created_at is not None
    thanks = client.get(response.url)
    assert thanks.status_code == 200
    assert "we have your report" in thanks.content.decode()


def test_only_what_went_wrong_and_its_kind_are_needed(client):
    response = _report(client, page="", reply_email="", kind="other")

    assert response.status_code == 302
    report = ProblemReport.objects.get()
    assert (report.kind, report.page, report.reply_email) == ("other", "", "")


@pytest.mark.parametrize(
    ("address", "stored"),
    [
        ("/initiatives/?q=mental+health", "/initiatives/?q=mental+health"),
        ("http://testserver/themes/#top", "/themes/"),
        ("https://testserver", "/"),
        ("  /evidence/  ", "/evidence/"),
    ],
)
def test_the_page_is_kept_as_a_path_on_this_site(client, address, stored):
    _report(client, page=address)

    assert ProblemReport.objects.get().page == stored


BAD_INPUT = [
    ({"kind": ""}, "kind", "Choose what kind of problem it is."),
    ({"kind": "spam"}, "kind", "Select a valid choice."),
    ({"kind": "other\x00"}, "kind", "Select a valid choice."),
    ({"description": ""}, "description", "Tell us what went wrong."),
    ({"description": "   "}, "description", "Tell us what went wrong."),
    (
        {"description": "x" * (PROBLEM_REPORT_MAX_LENGTH + 1)},
        "description",
        f"at most {PROBLEM_REPORT_MAX_LENGTH} characters",
    ),
    ({"description": "Broken\x00 map"}, "description", "Null characters"),
    ({"page": "https://elsewhere.example/x"}, "page", "a page on this website"),
    ({"page": "//elsewhere.example/x"}, "page", "a page on this website"),
    ({"page": "javascript:alert(1)"}, "page", "a page on this website"),
    ({"page": "/\\elsewhere.example"}, "page", "a page on this website"),
    ({"page": "initiatives/"}, "page", "a page on this website"),
    ({"page": "http://[::1/"}, "page", "a page on this website"),
    ({"page": "/" + "p" * 500}, "page", "at most 500 characters"),
    ({"page": "/themes/\x00"}, "page", "Null characters"),
    ({"reply_email": "not-an-address"}, "reply_email", "Enter a valid email"),
    ({"reply_email": "a@example.org\x00"}, "reply_email", "Null characters"),
    ({"reply_email": "a" * 250 + "@example.org"}, "reply_email", "at most"),
]


@pytest.mark.parametrize(
    ("overrides", "field", "message"), BAD_INPUT, ids=lambda v: repr(v)[:40]
)
def test_bad_input_is_explained_on_the_form(client, overrides, field, message):
    response = _report(client, **overrides)

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert field in response.context["form"].errors
    assert message in " ".join(response.context["form"].errors[field])
    # The summary links to the field that needs changing.
    anchor = f"id_{field}_0" if field == "kind" else f"id_{field}"
    assert f'href="#{anchor}"' in html
    assert not ProblemReport.objects.exists()


@pytest.mark.parametrize("field", ["description", "page", "reply_email"])
def test_text_that_is_not_utf8_is_refused_with_a_message(client, field):
    # A lone surrogate, UTF-8-encoded: bytes that are no text, as a robot
    # sends them (a browser cannot).
    data = _data() | {field: "/lone%ED%A0%80surrogate"}
    body = "&".join(
        f"{name}={value if name == field else quote(str(value), safe='')}"
        for name, value in data.items()
    )

    response = client.post(
        reverse(REPORT), body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not ProblemReport.objects.exists()


@pytest.mark.parametrize(
    "field", ["kind", "description", "page", "reply_email", "fax_number", "started"]
)
@pytest.mark.parametrize(
    "raw", ["%00", "%FF%FE", "%ED%A0%80", "x" * 10_000], ids=lambda v: v[:9]
)
def test_raw_hostile_values_never_make_an_error_page(client, field, raw):
    # The field given twice: the form reads the last value, the raw one.
    body = f"{field}=first&" + "&".join(
        f"{name}={raw if name == field else quote(str(value), safe='')}"
        for name, value in _data().items()
    )

    response = client.post(
        reverse(REPORT), body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code in (200, 302)
    assert ProblemReport.objects.count() <= 1
    for report in ProblemReport.objects.all():
        assert "\x00" not in report.description + report.page + report.reply_email


def test_a_filled_honeypot_is_thanked_and_dropped(client):
    response = _report(client, fax_number="+44 20 0000 0000")

    assert response.status_code == 302
    assert not ProblemReport.objects.exists()


@pytest.mark.parametrize(
    ("started", "message"),
    [
        (lambda: fill_time_token(), "That was sent very quickly."),
        (lambda: fill_time_token(time.time() - 2 * 86400), "open for too long"),
        (lambda: "forged-token", "Please send the report from the form"),
    ],
    ids=["too-fast", "expired", "forged"],
)
def test_forms_sent_too_fast_or_with_a_bad_note_are_refused(client, started, message):
    response = _report(client, started=started())

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProblemReport.objects.exists()


def test_one_form_sends_one_report(client):
    data = _data()

    first = client.post(reverse(REPORT), data)
    again = client.post(reverse(REPORT), data)

    assert first.status_code == 302
    assert again.status_code == 200
    assert "This form has been sent already" in again.content.decode()
    assert ProblemReport.objects.count() == 1
    assert again.context["form"]["started"].value() != data["started"]


def test_reports_are_rate_limited_per_address(client, settings):
    settings.PROBLEM_REPORT_RATE_LIMIT = 2
    settings.SUGGESTION_RATE_LIMIT = 2
    for n in range(2):
        assert _report(client, description=f"Problem {n}").status_code == 302

    refused = _report(client, description="One too many")
    other_address = client.post(
        reverse(REPORT), _data(description="From elsewhere"), REMOTE_ADDR="10.0.0.9"
    )

    assert refused.status_code == 429
    assert "Too many reports from your connection" in refused.content.decode()
    assert refused.context["form"].initial["started"]  # a new form, ready
    assert other_address.status_code == 302
    assert sorted(ProblemReport.objects.values_list("description", flat=True)) == [
        "From elsewhere",
        "Problem 0",
        "Problem 1",
    ]
    # The suggestion form counts apart: reporting used none of its limit.
    assert client.post(reverse("initiatives:suggest"), {}).status_code == 200


def test_robots_count_against_the_rate_limit(client, settings):
    settings.PROBLEM_REPORT_RATE_LIMIT = 1
    _report(client, fax_number="spam")

    assert _report(client).status_code == 429
    assert not ProblemReport.objects.exists()


def test_a_report_needs_the_csrf_token(settings):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse(REPORT), _data())

    assert response.status_code == 403
    assert not ProblemReport.objects.exists()


def test_the_form_is_not_cached(client):
    # It carries a CSRF token, and a page address from the visitor.
    response = client.get(reverse(REPORT))

    assert "ETag" not in response
    assert "public" not in response.get("Cache-Control", "")


def test_the_form_takes_get_and_post_only(client):
    response = client.put(reverse(REPORT), _data())

    assert response.status_code == 405
    assert not ProblemReport.objects.exists()


# -- prefilled from the address or the page the visitor came from ------------


def test_kind_and_page_are_filled_in_from_the_address(client):
    response = client.get(
        reverse(REPORT), {"kind": "accessibility", "page": "/themes/?x=1"}
    )

    initial = response.context["form"].initial
    assert (initial["kind"], initial["page"]) == ("accessibility", "/themes/?x=1")
    html = response.content.decode()
    assert 'value="/themes/?x=1"' in html
    assert re.search(r'<input[^>]* value="accessibility"[^>]* checked', html)
    assert '<meta name="robots" content="noindex, follow">' in html


@pytest.mark.parametrize(
    ("referer", "page"),
    [
        ("http://testserver/initiatives/some-entry/", "/initiatives/some-entry/"),
        ("http://testserver/initiatives/?q=health", "/initiatives/?q=health"),
        ("https://elsewhere.example/initiatives/", None),
        ("http://testserver/report-a-problem/thanks/", None),
        ("not an address", None),
    ],
)
def test_the_page_is_filled_in_from_the_referer_on_this_site_only(
    client, referer, page
):
    response = client.get(reverse(REPORT), HTTP_REFERER=referer)

    assert response.context["form"].initial.get("page") == page


@pytest.mark.parametrize(
    "query",
    [
        "page=https://elsewhere.example/",
        "page=//elsewhere.example/",
        "page=javascript:alert(1)",
        "page=/%00",
        "page=%ED%A0%80",
        "page=/" + "x" * 600,
        "kind=%00",
        "kind=spam",
    ],
)
def test_nothing_off_the_site_or_unreadable_is_filled_in(client, query):
    response = client.get(f"{reverse(REPORT)}?{query}")

    assert response.status_code == 200
    assert set(response.context["form"].initial) == {"started"}


def test_site_path_reads_addresses_of_this_site_only():
    assert site_path("/a/?b=c#d", "example.org") == "/a/?b=c"
    assert site_path("HTTPS://Example.org/a/", "example.org") == "/a/"
    assert site_path("https://example.org:8000/a/", "example.org") is None
    assert site_path("ftp://example.org/a/", "example.org") is None
    assert site_path("/a\tb/", "example.org") is None
    assert site_path("", "example.org") is None


def test_every_page_links_its_own_report_in_the_footer(client):
    themes = client.get(reverse("themes:list") + "?a=1").content.decode()
    own = client.get(reverse(REPORT)).content.decode()

    assert f'href="{reverse(REPORT)}?page=/themes/%3Fa%3D1">Report a problem</a>' in (
        themes
    )
    assert f'href="{reverse(REPORT)}">Report a problem</a>' in own


def test_robots_txt_keeps_crawlers_off_the_prefilled_forms(client):
    text = client.get("/robots.txt").content.decode()

    assert f"Disallow: {reverse(REPORT)}?" in text.splitlines()


def test_query_counts(client, django_assert_num_queries):
    current_version()  # for the ETag; a running site has it in the cache

    # 1 the demo data for the banner (once per content version).
    with django_assert_num_queries(1):
        assert client.get(reverse(REPORT)).status_code == 200
    # 1 the report written; nothing else (the limits are in the cache).
    with django_assert_num_queries(1):
        assert _report(client).status_code == 302
    # The banner's count is cached now: the thanks page reads nothing.
    with django_assert_num_queries(0):
        assert client.get(reverse(THANKS)).status_code == 200


# -- the accessibility statement offers it -----------------------------------


def test_the_statement_links_the_form_without_an_address_set(client, settings):
    settings.LIBRARY_CONTACT_EMAIL = ""

    html = client.get(reverse("accessibility")).content.decode()

    assert f'href="{reverse(REPORT)}?kind=accessibility"' in html
    assert "mailto:" not in html


def test_the_statement_adds_the_address_when_one_is_set(client, settings):
    settings.LIBRARY_CONTACT_EMAIL = "library@example.org"

    html = client.get(reverse("accessibility")).content.decode()

    assert f'href="{reverse(REPORT)}?kind=accessibility"' in html
    assert 'href="mailto:library@example.org"' in html


# -- curators follow reports up in the admin; the public never sees them -----


@pytest.mark.parametrize(
    ("user", "status"),
    [
        (None, 302),
        (lambda: make_user(is_staff=True), 403),
        (make_editor, 200),
        (make_publisher, 200),
    ],
    ids=["anonymous", "staff-without-rights", "editor", "publisher"],
)
def test_report_list_permission_matrix(client, user, status):
    _report(client)
    report = ProblemReport.objects.get()
    if user is not None:
        client.force_login(user())

    listing = client.get(reverse("admin:initiatives_problemreport_changelist"))
    change = client.get(
        reverse("admin:initiatives_problemreport_change", args=[report.pk])
    )

    assert listing.status_code == status
    assert change.status_code == status
    if status == 200:
        assert "The map cannot be used with a keyboard." in listing.content.decode()
        assert EMAIL in change.content.decode()  # to answer it
        assert (
            client.get(reverse("admin:initiatives_problemreport_add")).status_code
            == 403
        )
    else:
        assert EMAIL.encode() not in listing.content + change.content


def test_a_curator_marks_a_report_dealt_with(client):
    _report(client)
    report = ProblemReport.objects.get()
    client.force_login(make_editor())
    url = reverse("admin:initiatives_problemreport_changelist")

    index = client.get(reverse("admin:index")).content.decode()
    client.post(url, {"action": "mark_done", "_selected_action": [report.pk]})
    done = client.get(url, {"status__exact": "done"})

    assert "New problems reported with the website" in index
    report.refresh_from_db()
    assert report.status == ProblemReport.Status.DONE
    assert list(done.context["cl"].result_list) == [report]


def test_a_curator_keeps_a_note_but_cannot_change_what_was_sent(client):
    _report(client)
    report = ProblemReport.objects.get()
    client.force_login(make_editor())

    client.post(
        reverse("admin:initiatives_problemreport_change", args=[report.pk]),
        {
            "status": "in-hand",
            "curator_note": "Asked the map's author.",
            "description": "Changed",
            "reply_email": "other@example.org",
        },
    )

    report.refresh_from_db()
    assert (report.status, report.curator_note) == (
        "in-hand",
        "Asked the map's author.",
    )
    assert (report.description, report.reply_email) == (
        "The map cannot be used with a keyboard.",
        EMAIL,
    )


def test_reports_never_reach_a_public_page_or_the_api(client):
    initiative = make_initiative(title="Harbour watch")
    token = "qzxvkwtrplmn"
    _report(client, description=f"Harbour {token} problem", page=f"/{token}/")
    assert ProblemReport.objects.exists()

    urls = [
        reverse("initiatives:home"),
        reverse("initiatives:list"),
        reverse("initiatives:list") + "?q=harbour",
        initiative.get_absolute_url(),
        reverse("accessibility"),
        reverse(REPORT),
        reverse(THANKS),
        reverse("initiatives:feed"),
        reverse("initiatives:export-csv"),
        reverse("initiatives:export-json"),
        reverse("sitemap"),
        reverse("api:index"),
        reverse("api:api-root"),
        reverse("api:schema"),
        reverse("api:initiative-list"),
    ]
    for url in urls:
        response = client.get(url)
        body = (
            b"".join(response.streaming_content)
            if response.streaming
            else response.content
        )
        assert token.encode() not in body, url
        assert EMAIL.encode() not in body, url
    assert b"problem" not in client.get(reverse("api:api-root")).content.lower()
