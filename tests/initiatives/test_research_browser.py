"""A researcher's path in a real browser: a search typed on the search page
ranks by relevance, the evidence filters narrow and explain themselves, and
chosen results compare side by side without JavaScript.

Debian's Chromium through Playwright (the session ``browser`` fixture), on
the starting set of the content with evidence added to two entries.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse

from initiatives.models import Initiative, ToolkitLink
from tests.axe import axe_violations, describe
from tests.factories import STARTER_CONTENT, make_initiative

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

SEARCH = reverse("initiatives:list")
HUB = "essex-mental-health-hub-pilot"
HUB_TITLE = "Mental health hub pilot"
HOTSPOTS = "south-wales-violent-crime-hotspots"
HOTSPOTS_TITLE = "Violent crime project: a public-health approach to hotspots"


@pytest.fixture
def site(live_server):
    call_command("load_seed_content", only=STARTER_CONTENT)
    Initiative.objects.filter(slug=HUB).update(
        evidence_stage="independently-evaluated", evidence_outcome="worked"
    )
    Initiative.objects.filter(slug=HOTSPOTS).update(
        evidence_stage="evaluated-locally", evidence_outcome="promising"
    )
    # First by title, last by relevance: the words only in its description.
    make_initiative(
        slug="alpha-scheme",
        title="Alpha scheme",
        summary="Support after arrest.",
        description="Staff trained in mental health first aid.",
    )
    ToolkitLink.objects.create(
        initiative=Initiative.objects.get(slug=HOTSPOTS),
        toolkit="yef-toolkit",
        approach="Focused deterrence",
        url="https://example.org/yef/focused-deterrence",
        rating="Estimated impact on violent crime: High",
    )
    return live_server.url


def _titles(page) -> list[str]:
    return [" ".join(t.split()) for t in page.locator(".card-title").all_inner_texts()]


def test_a_search_typed_on_the_search_page_ranks_by_relevance(site, browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto(site + SEARCH)
    # Without a search the default order is by title, sent as no parameter.
    assert page.locator("#filter-ordering option:checked").inner_text() == "Title"

    page.fill("#filter-q", "mental-health")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_load_state()

    assert "ordering" not in page.url
    assert page.locator("#filter-ordering option:checked").inner_text() == "Relevance"
    by_relevance = _titles(page)
    assert by_relevance == [HUB_TITLE, "Alpha scheme"]

    page.select_option("#filter-ordering", "title")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_load_state()
    assert _titles(page) == ["Alpha scheme", HUB_TITLE]
    context.close()


def test_evidence_filters_narrow_count_and_explain(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + SEARCH)

    page.locator("summary", has_text="What the evidence says").click()
    worked = page.locator('label[for="evidence_outcome-worked"]')
    assert " ".join(worked.inner_text().split()) == "Worked (1)"
    page.check("#evidence_outcome-worked")
    page.check("#evidence_outcome-promising")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_load_state()
    assert "evidence_outcome=worked" in page.url
    assert sorted(_titles(page)) == [HUB_TITLE, HOTSPOTS_TITLE]

    page.locator("summary", has_text="Toolkit rating").click()
    page.get_by_label("Youth Endowment Fund Toolkit: Estimated impact").check()
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_load_state()
    assert _titles(page) == [HOTSPOTS_TITLE]
    chips = [" ".join(t.split()) for t in page.locator(".chip").all_text_contents()]
    assert "Remove What the evidence says: Worked ×" in chips

    page.get_by_role("link", name="promising", exact=True).click()
    page.wait_for_load_state()
    assert page.url.endswith("/evidence/#outcome-promising")
    assert page.locator("#outcome-promising").is_visible()
    context.close()


def test_compare_chosen_results_without_javascript(site, browser):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 320, "height": 640}
    )
    page = context.new_page()
    page.goto(site + SEARCH + "?q=essex")

    boxes = page.get_by_role("checkbox", name="Compare")
    assert boxes.count() >= 2
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_role("button", name="Compare selected").click()
    page.wait_for_load_state()

    assert "/initiatives/compare/?slug=" in page.url
    assert "q=" not in page.url  # only the chosen entries: a shareable address
    table = page.get_by_role("table")
    assert table.get_by_role("columnheader").count() == 2
    assert table.get_by_role("rowheader", name="Funding").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    # The address alone brings the same comparison back.
    shared = page.url
    other = context.new_page()
    other.goto(shared)
    assert other.get_by_role("table").get_by_role("columnheader").count() == 2
    context.close()


def test_compare_and_evidence_pages_have_no_axe_violations(site, browser):
    context = browser.new_context()
    page = context.new_page()
    problems = {}
    for path in (
        f"{reverse('initiatives:compare')}?slug={HUB}&slug={HOTSPOTS}",
        f"{reverse('initiatives:compare')}?slug={HUB}&slug=nowhere",
        reverse("initiatives:evidence"),
        f"{SEARCH}?evidence_outcome=worked&toolkit=any&ordering=evidence",
    ):
        page.goto(site + path)
        page.evaluate(
            "document.querySelectorAll('details').forEach(d => d.open = true)"
        )
        if violations := axe_violations(page):
            problems[path] = describe(violations)
    assert not problems, problems
    context.close()
