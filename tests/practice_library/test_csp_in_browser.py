"""The Content Security Policy in a real browser: no page we serve breaks it.

Debian's Chromium loads a page of every type (public pages, the API's docs
and browsable pages, the admin signed in, our own admin templates and those
of django-import-export and django-simple-history), works the scripts that
add or style elements, and reports every violation: from the console and
from ``securitypolicyviolation`` events.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse

from initiatives.models import (
    Briefing,
    Initiative,
    InitiativeSource,
    PoliceArea,
    StateChange,
)
from tests.factories import STARTER_CONTENT, ensure_roles, make_source, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
# Collects the events the console may not show (e.g. blocked data: images).
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile}:${event.lineNumber} ${event.sample}`
  );
});
"""


@pytest.fixture
def site(live_server):
    call_command("load_seed_content", only=STARTER_CONTENT, verbosity=0)
    source = make_source(slug="report", title="A report")
    InitiativeSource.objects.create(
        initiative=Initiative.objects.published().earliest("pk"), source=source
    )
    ensure_roles()
    make_user(username="curator", is_staff=True, is_superuser=True)
    return live_server.url


@pytest.fixture
def page(browser):
    context = browser.new_context()
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.reported = []
    page.on(
        "console",
        lambda message: (
            page.reported.append(message.text)
            if "Content Security Policy" in message.text
            or "Permissions-Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()


def _violations(page) -> list[str]:
    page.wait_for_timeout(150)  # violation events are delivered a moment later
    found = page.reported + page.evaluate("window.cspViolations || []")
    page.reported.clear()
    page.evaluate("window.cspViolations = []")
    return found


def _visit(page, url: str, problems: dict[str, list[str]], name: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status < 400, (name, response)
    found = _violations(page)
    if found:
        problems[name] = found


def test_public_pages_and_api_pages_break_no_policy(site, page):
    initiative = Initiative.objects.published().earliest("pk")
    pages = {
        "home": reverse("initiatives:home"),
        "search": reverse("initiatives:list") + "?q=health&theme=frontline-integration",
        "initiative": initiative.get_absolute_url(),
        "police area": reverse("initiatives:police-area-detail", args=["essex"]),
        "compare": reverse("initiatives:police-area-compare"),
        "themes": reverse("themes:list"),
        "briefing": Briefing.objects.get().get_absolute_url(),
        "sources": reverse("initiatives:source-list"),
        "source": reverse("initiatives:source-detail", args=["report"]),
        "suggest": reverse("initiatives:suggest"),
        "report a problem": reverse("initiatives:report-problem"),
        "api index": reverse("api:index"),
        "browsable api list": reverse("api:initiative-list"),
        "browsable api entry": reverse("api:initiative-detail", args=[initiative.slug]),
    }
    problems: dict[str, list[str]] = {}
    for name, path in pages.items():
        _visit(page, site + path, problems, name)

    page.goto(site + reverse("api:docs"))
    page.locator(".opblock-tag").first.wait_for()
    page.locator(".opblock-summary").first.click()  # expand an operation
    page.locator(".opblock-body").first.wait_for()
    if found := _violations(page):
        problems["api docs"] = found

    assert not problems, problems


def test_admin_pages_break_no_policy(site, page):
    initiative = Initiative.objects.published().earliest("pk")
    problems: dict[str, list[str]] = {}

    _visit(page, site + reverse("admin:login"), problems, "sign in")
    page.fill("#id_username", "curator")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(site + reverse("admin:index"))
    if found := _violations(page):
        problems["index"] = found

    def admin(name, view, *args, query=""):
        _visit(page, site + reverse(f"admin:{view}", args=args) + query, problems, name)

    admin(
        "initiatives",
        "initiatives_initiative_changelist",
        query="?state__exact=published",
    )
    admin("data quality", "initiatives_initiative_data_quality")
    admin("state changes (no actions)", "initiatives_statechange_changelist")
    admin("suggestions", "initiatives_suggestion_changelist")
    admin("history", "initiatives_initiative_history", initiative.pk)
    version = initiative.history.order_by("history_id").first()
    admin(
        "version", "initiatives_initiative_simple_history", initiative.pk,
        version.history_id,
    )  # fmt: skip
    admin("import", "initiatives_initiative_import")
    admin("export", "initiatives_initiative_export")
    page.locator("input.select-toggle").uncheck()  # the inline handler runs
    assert not page.locator(".selectable-field-export-row input:checked").count()
    if found := _violations(page):
        problems["export select all"] = found
    admin("API key", "initiatives_partnerapikey_add")
    admin(
        "police area",
        "initiatives_policearea_change",
        PoliceArea.objects.get(slug="essex").pk,
    )
    admin("briefing", "initiatives_briefing_change", Briefing.objects.get().pk)

    admin("new initiative", "initiatives_initiative_add")
    page.locator("#id_title").press_sequentially("Street triage")  # fills the slug
    assert page.input_value("#id_slug") == "street-triage"
    page.locator(".field-police_areas .select2-selection").click()  # autocomplete
    page.locator(".select2-results__option").first.wait_for()
    page.keyboard.press("Escape")
    if found := _violations(page):
        problems["new initiative, scripts"] = found

    admin("initiative", "initiatives_initiative_change", initiative.pk)
    page.click("text=Withdraw from public view")  # the editorial buttons
    page.wait_for_load_state()
    assert StateChange.objects.filter(initiative=initiative).exists()
    if found := _violations(page):
        problems["initiative, after a move"] = found

    assert not problems, problems
