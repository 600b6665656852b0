"""The suggestion form in a real browser: accessible, and works without JavaScript."""

import pytest

from initiatives.models import Suggestion
from tests.axe import axe_violations, describe
from tests.factories import make_police_area

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_in(page) -> None:
    page.get_by_label("Title").fill("Street triage in Kent")
    page.get_by_label("Kent").check()
    page.get_by_label("Summary").fill("Nurses join officers at peak times.")
    page.get_by_label("Your name").fill("Priya")
    page.get_by_label("Your e-mail address").fill("priya@example.org")
    page.get_by_label("I agree that the library keeps").check()


def test_suggest_an_initiative_without_javascript(live_server, browser, settings):
    settings.SUGGESTION_MIN_SECONDS = 0  # a robot-fast test is not a robot
    make_police_area(name="Kent", slug="kent")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)

    page.goto(live_server.url + "/suggest/")
    page.get_by_role("button", name="Send the suggestion").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    _fill_in(page)
    assert not page.get_by_label("Leave this empty").is_visible()
    page.get_by_role("button", name="Send the suggestion").click()

    heading = page.get_by_role("heading", name="Thank you: we have your suggestion")
    assert heading.is_visible()
    assert Suggestion.objects.get().title == "Street triage in Kent"
    context.close()


def test_suggestion_pages_have_no_accessibility_violations(
    live_server, browser, settings
):
    settings.SUGGESTION_MIN_SECONDS = 0
    make_police_area(name="Kent", slug="kent")
    page = browser.new_page()
    page.set_default_timeout(10_000)

    page.goto(live_server.url + "/suggest/")
    assert not (form := axe_violations(page)), describe(form)
    page.get_by_role("button", name="Send the suggestion").click()
    assert not (errors := axe_violations(page)), describe(errors)
    _fill_in(page)
    page.get_by_role("button", name="Send the suggestion").click()
    assert not (thanks := axe_violations(page)), describe(thanks)
    page.close()
