"""The public pages in a real browser: axe-core, keyboard, no JavaScript,
a 320-pixel screen and print.

Debian's Chromium through Playwright (the session ``browser`` fixture). Each
test loads the starting set of the content (with a cited source) once and
visits many pages, to stay fast.
"""

import datetime
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from initiatives.models import Funding, Initiative, InitiativeSource, Organisation
from tests.axe import AXE_VERSION, axe_version, axe_violations, describe
from tests.factories import STARTER_CONTENT, make_initiative, make_source

# The live server needs committed rows. The flush after each test would
# lose the rows migrations made; the fixture puts them back at the end.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

SEARCH = reverse("initiatives:list")
HUB = reverse("initiatives:detail", args=["essex-mental-health-hub-pilot"])
SPOTLIGHT = reverse(
    "initiatives:briefing-detail",
    args=["pcc-spotlight-4-early-intervention-and-prevention"],
)
# One page of every type, by name.
PAGE_TYPES = {
    "home": reverse("initiatives:home"),
    "search with results": f"{SEARCH}?q=health&page_size=2",
    "search with filters": f"{SEARCH}?theme=frontline-integration&police_area=essex",
    "search with bad input": f"{SEARCH}?start_year_min=abc&theme=nope&page=0",
    "empty search": f"{SEARCH}?q=zzzqqqxx",
    "initiative": HUB,
    "demo initiative": reverse("initiatives:detail", args=["demo-harbour"]),
    "police areas": reverse("initiatives:police-area-list"),
    "police areas by theme": reverse("initiatives:police-area-list")
    + "?theme=understanding-demand",
    "police area": reverse("initiatives:police-area-detail", args=["essex"]),
    "area comparison": reverse("initiatives:police-area-compare"),
    "themes": reverse("themes:list"),
    "theme": reverse("themes:detail", args=["frontline-integration"]),
    "briefings": reverse("initiatives:briefing-list"),
    "briefing": SPOTLIGHT,
    "organisations": reverse("initiatives:organisation-list"),
    "organisation": reverse("initiatives:organisation-detail", args=["essex-pcc"]),
    "sources": reverse("initiatives:source-list"),
    "source": reverse("initiatives:source-detail", args=["hub-evaluation"]),
    "suggest an initiative": reverse("initiatives:suggest"),
    "report a problem": reverse("initiatives:report-problem"),
    "accessibility statement": reverse("accessibility"),
    "API reference": reverse("api:index"),
    "interactive API docs": reverse("api:docs"),
    "page not found": "/no-such-page/",
}
# Swagger UI draws the interactive docs with JavaScript, from the schema.
DRAWN_BY_SCRIPT = {"interactive API docs": ".opblock-tag"}


@pytest.fixture
def site(live_server):
    call_command("load_seed_content", only=STARTER_CONTENT)
    # A cited source with every field, for the initiative's sources and the
    # source pages (the starting set cites the 2015 briefing only).
    evaluation = make_source(
        slug="hub-evaluation",
        title="An evaluation of the mental health hub",
        kind="evaluation",
        authors="A. Researcher",
        summary="What the evaluation found.",
        archived_url="https://archive.example.org/hub-evaluation",
        publishers=[Organisation.objects.get(slug="essex-pcc")],
    )
    hub = Initiative.objects.get(slug="essex-mental-health-hub-pilot")
    InitiativeSource.objects.create(
        initiative=hub, source=evaluation, is_evaluation=True, note="Results."
    )
    Funding.objects.create(
        initiative=hub,
        amount=10000,
        period_start=datetime.date(2015, 4, 1),
        period_start_precision="month",
        source=evaluation,
    )
    make_initiative(
        slug="demo-harbour",
        title="Demo: Harbour watch",
        summary="A synthetic example.",
        origin="demo",
    )
    return live_server.url


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def _open_every_disclosure(page) -> None:
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")


def test_every_page_type_has_no_axe_violations(site, page):
    requested_hosts = set()
    page.on(
        "request", lambda request: requested_hosts.add(urlsplit(request.url).netloc)
    )
    reports = {}

    for name, path in PAGE_TYPES.items():
        response = page.goto(site + path)
        assert response.status == (404 if name == "page not found" else 200), name
        if name in DRAWN_BY_SCRIPT:
            page.locator(DRAWN_BY_SCRIPT[name]).first.wait_for()
            # An operation opened, with its parameters and example answers.
            page.locator(".opblock-summary-control").first.click()
            page.locator(".opblock-body .microlight").first.wait_for()
        # Scan the data tables folded inside <details> too.
        _open_every_disclosure(page)
        if violations := axe_violations(page):
            reports[name] = describe(violations)

    assert axe_version(page) == AXE_VERSION
    assert not reports, "\n\n".join(
        f"{name}:\n{text}" for name, text in reports.items()
    )
    # Everything comes from the site itself: no CDN, no third party.
    assert requested_hosts == {urlsplit(site).netloc}
    # The scan does see problems: an unlabelled field is one, and so is a
    # control whose accessible name leaves out its visible text (WCAG 2.5.3),
    # which older engines missed.
    page.goto(site + reverse("initiatives:home"))
    page.evaluate(
        """() => {
            document.querySelector('main').append(document.createElement('input'));
            const link = document.createElement('a');
            link.href = '/';
            link.textContent = 'Northumbria';
            link.setAttribute('aria-label', 'Nthumb: 0 initiatives');
            document.querySelector('main').append(link);
        }"""
    )
    found = {violation["id"] for violation in axe_violations(page)}
    assert {"label", "label-content-name-mismatch"} <= found


def test_search_and_filters_by_keyboard_alone(site, page):
    page.goto(site + SEARCH)

    page.keyboard.press("Tab")
    assert _focused(page, "textContent") == "Skip to main content"
    _tab_to(page, "filter-q")
    assert page.evaluate(
        "getComputedStyle(document.activeElement).outlineStyle"
    ) not in ("none", "")
    page.keyboard.type("health")
    _tab_to(page, "theme-frontline-integration")
    page.keyboard.press("Space")
    # A folded filter opens from the keyboard.
    _tab_to(page, None, text="Status")
    page.keyboard.press("Enter")
    _tab_to(page, "status-pilot")
    page.keyboard.press("Space")
    # Back to the search box: Enter there applies the filters too.
    page.focus("#filter-q")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "q=health" in page.url
    assert "theme=frontline-integration" in page.url
    assert "status=pilot" in page.url
    assert page.locator("#results").inner_text().startswith("1 initiative")
    chips = [
        " ".join(text.split()) for text in page.locator(".chip").all_text_contents()
    ]
    assert chips == [
        "Remove Search: health ×",
        "Remove Theme: Frontline integration ×",
        "Remove Status: Pilot ×",
    ]
    # A result opens from the keyboard too.
    _tab_to(page, None, text="Mental health hub pilot")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(HUB)


def _focused(page, attribute: str) -> str:
    return page.evaluate(f"document.activeElement.{attribute}").strip()


def _tab_to(page, element_id: str | None, *, text: str = "", limit: int = 200) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if element_id and _focused(page, "id") == element_id:
            return
        if text and _focused(page, "textContent") == text:
            return
    raise AssertionError(f"Tab never reached {element_id or text!r}")


def test_search_works_with_javascript_off(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + SEARCH)

    page.fill("#filter-q", "crime")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_load_state()
    assert "matching “crime”" in page.locator("#results").inner_text()

    page.locator("summary", has_text="Police area").click()
    page.check("#police_area-south-wales")
    page.select_option("#filter-ordering", "title")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_load_state()
    assert "police_area=south-wales" in page.url
    assert "nation=" not in page.url  # empty fields are dropped from the address
    titles = page.locator(".card-title").all_inner_texts()
    assert titles == sorted(titles) and titles

    page.get_by_role("link", name="Remove Police area: South Wales").click()
    page.wait_for_load_state()
    assert "police_area" not in page.url

    page.goto(site + HUB)
    assert "Mental health hub pilot" in page.locator("h1").inner_text()
    assert page.locator(".citation-text").is_visible()
    assert page.locator(".copy-button").count() == 0  # only JavaScript adds it
    context.close()


def test_pages_fit_a_320_pixel_screen(site, browser):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    too_wide = {}

    for name, path in PAGE_TYPES.items():
        page.goto(site + path)
        if name in DRAWN_BY_SCRIPT:
            page.locator(DRAWN_BY_SCRIPT[name]).first.wait_for()
        _open_every_disclosure(page)
        width = page.evaluate("document.scrollingElement.scrollWidth")
        if width > 320:
            too_wide[name] = width

    assert not too_wide, too_wide
    # The API reference's code and tables fit a desktop window too.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(site + reverse("api:index"))
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 1280
    context.close()


def test_detail_pages_print_without_navigation_or_controls(site, page):
    for path in (HUB, SPOTLIGHT):
        page.goto(site + path)
        page.emulate_media(media="print")

        assert page.locator(".site-nav").is_hidden()
        assert page.locator(".site-footer").is_hidden()
        assert page.locator(".breadcrumbs").is_hidden()
        assert page.locator("h1").is_visible()
        assert page.locator(".citation-text").is_visible()
        page.emulate_media(media="screen")
        assert page.locator(".site-nav").is_visible()


def test_copy_citation_button_is_added_by_javascript(site, browser):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(site + HUB)

    page.get_by_role("button", name="Copy citation").click()

    # The script says so once the clipboard has taken the text: wait for it.
    expect(page.get_by_role("status")).to_have_text("Citation copied.")
    assert page.evaluate("navigator.clipboard.readText()").startswith(
        "PCC Early Intervention Practice Library"
    )
    context.close()
