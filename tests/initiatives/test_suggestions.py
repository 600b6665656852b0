"""Suggestions from the field: the public form, its guards, and privacy."""

import re
import time
from urllib.parse import quote

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.templatetags.static import static
from django.urls import reverse

from initiatives.admin.curation import SuggestionResource
from initiatives.exports import export_row
from initiatives.forms import SUGGESTION_FORM_SALT, fill_time_token
from initiatives.imports import InitiativeResource
from initiatives.models import EditorialState, Initiative, Suggestion
from initiatives.services.publishing import publish_initiative
from initiatives.services.suggestions import submit_suggestion
from tests.factories import (
    make_editor,
    make_police_area,
    make_publisher,
    make_theme,
    make_user,
)

pytestmark = pytest.mark.django_db

SUGGEST = "initiatives:suggest"
NAME, EMAIL = "Priya Submitter", "priya.private@example.org"


@pytest.fixture
def area():
    return make_police_area(name="Kent", slug="kent")


def _data(area, **overrides) -> dict:
    return {
        "title": "Street triage in Kent",
        "police_areas": [area.pk],
        "summary": "Mental health nurses join officers at peak times.",
        "description": "",
        "website": "https://example.org/triage",
        "submitter_name": NAME,
        "submitter_email": EMAIL,
        "submitter_organisation": "Office of the PCC",
        "consent": "on",
        "fax_number": "",
        "started": fill_time_token(time.time() - 30),
        **overrides,
    }


def test_the_form_page_works_without_javascript(client, area):
    response = client.get(reverse(SUGGEST))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<form method="post"' in html
    # Only the site's deferred script file: nothing inline, nothing needed.
    assert re.findall(r"<script[^>]*>", html) == [
        f'<script src="{static("js/library.js")}" defer>'
    ]
    assert " style=" not in html
    assert 'class="form-trap" aria-hidden="true"' in html
    assert response.context["form"].initial["started"]


def test_a_suggestion_becomes_a_draft_and_the_submitter_is_thanked(client, area):
    theme = make_theme()

    response = client.post(reverse(SUGGEST), _data(area, themes=[theme.pk]))

    assert response.status_code == 302
    assert response.url == reverse("initiatives:suggest-thanks")
    suggestion = Suggestion.objects.get()
    assert (suggestion.status, suggestion.source) == ("new", "form")
    assert suggestion.submitter_email == EMAIL
    assert suggestion.consent_given_at is not None
    draft = suggestion.initiative
    assert draft is not None
    assert (draft.state, draft.origin) == (
        EditorialState.DRAFT,
        Initiative.Origin.SUGGESTION,
    )
    assert draft.slug == "street-triage-in-kent"
    assert list(draft.police_areas.all()) == [area]
    assert list(draft.themes.all()) == [theme]
    assert draft.contact_email == "" and draft.contact_name == ""
    thanks = client.get(response.url)
    assert "we have your suggestion" in thanks.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"consent": ""}, "Tick the box so that we may keep your details."),
        ({"police_areas": []}, "Choose at least one police area."),
        ({"website": "javascript:alert(1)"}, "Enter a full web address"),
        ({"submitter_email": "not-an-address"}, "Enter a valid email address."),
        ({"title": ""}, "This field is required."),
    ],
)
def test_bad_input_is_explained_on_the_form(client, area, overrides, message):
    response = client.post(reverse(SUGGEST), _data(area, **overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert not Suggestion.objects.exists()
    assert not Initiative.objects.exists()


@pytest.mark.parametrize("field", ["title", "summary", "description", "submitter_name"])
def test_text_that_is_not_utf8_is_refused_with_a_message(client, area, field):
    # A lone surrogate, UTF-8-encoded: bytes that are no text, as a robot
    # sends them (a browser cannot).
    data = _data(area) | {field: "Lone %ED%A0%80 surrogate"}
    body = "&".join(
        f"{name}={value if name == field else quote(str(value), safe='')}"
        for name, values in data.items()
        for value in (values if isinstance(values, list) else [values])
    )

    response = client.post(
        reverse(SUGGEST), body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert "could not be read (not UTF-8)" in response.content.decode()
    assert field in response.context["form"].errors
    assert not Suggestion.objects.exists()
    assert not Initiative.objects.exists()


def test_a_filled_honeypot_is_thanked_and_dropped(client, area):
    response = client.post(reverse(SUGGEST), _data(area, fax_number="+44 20 0000 0000"))

    assert response.status_code == 302
    assert not Suggestion.objects.exists()
    assert not Initiative.objects.exists()


@pytest.mark.parametrize(
    ("started", "message"),
    [
        (lambda: fill_time_token(), "That was sent very quickly."),
        (lambda: fill_time_token(time.time() - 2 * 86400), "open for too long"),
        (lambda: "forged-token", "Please send the suggestion from the form"),
        (lambda: fill_time_token()[:-2] + "xx", "Please send the suggestion from"),
    ],
    ids=["too-fast", "expired", "forged", "tampered"],
)
def test_forms_sent_too_fast_or_with_a_bad_timestamp_are_refused(
    client, area, started, message
):
    response = client.post(reverse(SUGGEST), _data(area, started=started()))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Suggestion.objects.exists()


def test_one_form_sends_one_suggestion(client, area):
    data = _data(area)

    first = client.post(reverse(SUGGEST), data)
    again = client.post(reverse(SUGGEST), data)

    assert first.status_code == 302
    assert again.status_code == 200
    assert "This form has been sent already" in again.content.decode()
    assert Suggestion.objects.count() == 1
    # The form shown again carries a new note, which works once it is due.
    renewed = again.context["form"]["started"].value()
    assert renewed != data["started"]
    assert (
        signing.loads(renewed, salt=SUGGESTION_FORM_SALT)[1]
        != (signing.loads(data["started"], salt=SUGGESTION_FORM_SALT)[1])
    )


def test_a_form_refused_for_its_note_is_shown_with_a_new_one(client, area, settings):
    expired = fill_time_token(time.time() - 2 * 86400)

    refused = client.post(reverse(SUGGEST), _data(area, started=expired))
    settings.SUGGESTION_MIN_SECONDS = 0  # as if the visitor took a while
    sent = client.post(
        reverse(SUGGEST),
        _data(area, started=refused.context["form"]["started"].value()),
    )

    assert "open for too long" in refused.content.decode()
    assert sent.status_code == 302
    assert Suggestion.objects.count() == 1


def test_suggestions_are_rate_limited_per_address(client, area, settings):
    settings.SUGGESTION_RATE_LIMIT = 2
    for n in range(2):
        response = client.post(reverse(SUGGEST), _data(area, title=f"Idea {n}"))
        assert response.status_code == 302

    refused = client.post(reverse(SUGGEST), _data(area, title="One too many"))
    other_address = client.post(
        reverse(SUGGEST), _data(area, title="From elsewhere"), REMOTE_ADDR="10.0.0.9"
    )

    assert refused.status_code == 429
    assert "Too many suggestions from your connection" in refused.content.decode()
    assert other_address.status_code == 302
    assert sorted(Suggestion.objects.values_list("title", flat=True)) == [
        "From elsewhere",
        "Idea 0",
        "Idea 1",
    ]


def test_robots_count_against_the_rate_limit(client, area, settings):
    settings.SUGGESTION_RATE_LIMIT = 1
    client.post(reverse(SUGGEST), _data(area, fax_number="spam"))

    response = client.post(reverse(SUGGEST), _data(area))

    assert response.status_code == 429
    assert not Suggestion.objects.exists()


def test_the_submitters_contact_never_reaches_the_public(client, area):
    client.post(reverse(SUGGEST), _data(area))
    draft = Suggestion.objects.get().initiative
    assert draft is not None
    with pytest.raises(PermissionDenied):
        publish_initiative(draft, actor=make_editor())
    publish_initiative(draft, actor=make_publisher())

    pages = [
        draft.get_absolute_url(),
        reverse("initiatives:list"),
        reverse("initiatives:list") + "?q=triage",
        reverse("initiatives:home"),
        area.get_absolute_url(),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert draft.title in html or url == reverse("initiatives:home")
        assert NAME not in html and EMAIL not in html, url
    flat = str(export_row(Initiative.objects.get(pk=draft.pk)))
    exported = InitiativeResource().export().csv
    curators_export = SuggestionResource().export().csv
    for text in (flat, exported, curators_export):
        assert NAME not in text and EMAIL not in text
        assert "Office of the PCC" not in text


def test_the_service_names_the_field_for_the_partner_api(area):
    with pytest.raises(ValidationError) as error:
        submit_suggestion(
            title="Idea",
            police_areas=[area],
            summary="Summary.",
            website="ftp://example.org",
            submitter_name=NAME,
            submitter_email=EMAIL,
            consent=True,
            source=Suggestion.Source.PARTNER_API,
        )
    assert "website" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        submit_suggestion(
            title="Idea",
            police_areas=[],
            summary="Summary.",
            submitter_name=NAME,
            submitter_email=EMAIL,
            consent=True,
        )
    assert "police_areas" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        submit_suggestion(
            title="Idea",
            police_areas=[area],
            summary="Summary.",
            submitter_name=NAME,
            submitter_email=EMAIL,
            consent=False,
        )
    assert "consent" in error.value.message_dict
    assert not Initiative.objects.exists()


def test_same_title_gets_its_own_address(area):
    first = submit_suggestion(
        title="Idea",
        police_areas=[area],
        summary="S.",
        submitter_name=NAME,
        submitter_email=EMAIL,
        consent=True,
    )
    second = submit_suggestion(
        title="Idea",
        police_areas=[area],
        summary="S.",
        submitter_name=NAME,
        submitter_email=EMAIL,
        consent=True,
    )
    assert first.initiative is not None and second.initiative is not None
    assert (first.initiative.slug, second.initiative.slug) == ("idea", "idea-2")


# -- curators see new suggestions in the admin ---------------------------------


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
def test_suggestion_list_permission_matrix(client, area, user, status):
    submit_suggestion(
        title="Idea",
        police_areas=[area],
        summary="S.",
        submitter_name=NAME,
        submitter_email=EMAIL,
        consent=True,
    )
    if user is not None:
        client.force_login(user())

    response = client.get(reverse("admin:initiatives_suggestion_changelist"))

    assert response.status_code == status
    if status == 200:
        assert NAME not in response.content.decode()  # not a list column
        assert (
            client.get(reverse("admin:initiatives_suggestion_add")).status_code == 403
        )


def test_admin_counts_and_filters_new_suggestions(client, area):
    for title in ("One", "Two", "Three"):
        submit_suggestion(
            title=title,
            police_areas=[area],
            summary="S.",
            submitter_name=NAME,
            submitter_email=EMAIL,
            consent=True,
        )
    Suggestion.objects.filter(title="One").update(status=Suggestion.Status.DONE)
    client.force_login(make_editor())
    url = reverse("admin:initiatives_suggestion_changelist")

    new = client.get(url, {"status__exact": "new"})
    html = client.get(url).content.decode()

    assert sorted(s.title for s in new.context["cl"].result_list) == ["Three", "Two"]
    assert "New (2)" in html  # the filter shows how many are new


def test_curator_marks_suggestions_in_hand(client, area):
    suggestion = submit_suggestion(
        title="Idea",
        police_areas=[area],
        summary="S.",
        submitter_name=NAME,
        submitter_email=EMAIL,
        consent=True,
    )
    client.force_login(make_editor())

    client.post(
        reverse("admin:initiatives_suggestion_changelist"),
        {"action": "mark_in_hand", "_selected_action": [suggestion.pk]},
    )

    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.IN_HAND


def _suggest_through_proxy(client, area, title, address):
    return client.post(
        reverse(SUGGEST),
        _data(area, title=title),
        REMOTE_ADDR="10.0.0.1",  # the reverse proxy
        HTTP_X_FORWARDED_FOR=address,
    )


def test_behind_a_proxy_each_client_has_its_own_suggestion_limit(
    client, area, settings
):
    settings.SUGGESTION_RATE_LIMIT = 1
    settings.TRUSTED_PROXY_COUNT = 1

    first = _suggest_through_proxy(client, area, "From one", "203.0.113.9")
    again = _suggest_through_proxy(client, area, "One too many", "203.0.113.9")
    other = _suggest_through_proxy(client, area, "From another", "198.51.100.66")

    assert [first.status_code, again.status_code, other.status_code] == [302, 429, 302]


def test_without_the_proxy_setting_forged_addresses_share_one_limit(
    client, area, settings
):
    settings.SUGGESTION_RATE_LIMIT = 1
    settings.TRUSTED_PROXY_COUNT = 0

    first = _suggest_through_proxy(client, area, "From one", "203.0.113.9")
    forged = _suggest_through_proxy(client, area, "Forged", "198.51.100.66")

    assert [first.status_code, forged.status_code] == [302, 429]
