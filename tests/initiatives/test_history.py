"""Every change is kept with who and when, shown as a diff, and restorable."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from initiatives.models import (
    Briefing,
    EditorialState,
    GovernancePeriod,
    Initiative,
    Organisation,
    PoliceArea,
    StateChange,
    TargetGroup,
)
from initiatives.services.publishing import publish_initiative, transition
from tests.admin_forms import admin_form_data
from tests.factories import (
    STARTER_CONTENT,
    make_briefing,
    make_editor,
    make_initiative,
    make_organisation,
    make_police_area,
    make_publisher,
    make_target_group,
    make_theme,
)
from themes.models import Theme

pytestmark = pytest.mark.django_db


def _url(model, view: str, *args) -> str:
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


@pytest.mark.parametrize(
    ("build", "model"),
    [
        (make_police_area, PoliceArea),
        (
            lambda: GovernancePeriod.objects.create(
                police_area=make_police_area(), kind="pcc", body_name="PCC"
            ),
            GovernancePeriod,
        ),
        (make_organisation, Organisation),
        (make_target_group, TargetGroup),
        (make_theme, Theme),
        (make_initiative, Initiative),
        (make_briefing, Briefing),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_every_curated_model_keeps_its_versions(build, model):
    obj = build()
    before = obj.history.count()
    field = (
        "body_name"
        if model is GovernancePeriod
        else ("title" if model in (Initiative, Briefing) else "name")
    )
    setattr(obj, field, "A new name")
    obj.save()

    assert obj.history.count() == before + 1
    assert getattr(obj.history.first(), field) == "A new name"


def test_admin_edit_is_recorded_with_who_and_shown_as_a_diff(client):
    publisher = make_publisher(username="pat")
    old_theme, new_theme = make_theme(name="Old theme"), make_theme(name="New theme")
    initiative = make_initiative(
        title="Street triage", state=EditorialState.DRAFT, themes=[old_theme]
    )
    client.force_login(publisher)
    change_url = _url(Initiative, "change", initiative.pk)
    data = admin_form_data(
        client.get(change_url),
        title="Street triage pilot",
        themes=[str(new_theme.pk)],
    )

    assert client.post(change_url, data).status_code == 302

    latest = initiative.history.first()
    assert latest.history_user == publisher
    page = client.get(_url(Initiative, "history", initiative.pk))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Street triage" in html and "Street triage pilot" in html
    assert "pat" in html
    # Many-to-many changes are versioned too and appear in the diff.
    assert "New theme" in html
    assert [t.theme_id for t in latest.themes.all()] == [new_theme.pk]


def _restore(client, initiative, version):
    form_url = _url(Initiative, "simple_history", initiative.pk, version.history_id)
    page = client.get(form_url)
    assert page.status_code == 200
    return client.post(form_url, admin_form_data(page))


def test_publisher_restores_an_earlier_version_with_its_themes(client):
    first_theme, second_theme = make_theme(), make_theme()
    initiative = make_initiative(title="First title", themes=[first_theme])
    first_version = initiative.history.first()
    initiative.title = "Second title"
    initiative.save()
    initiative.themes.set([second_theme])
    client.force_login(make_publisher())

    response = _restore(client, initiative, first_version)

    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.title == "First title"
    assert list(initiative.themes.all()) == [first_theme]
    assert initiative.history.first().history_change_reason.startswith(
        "Restored the version of"
    )


def test_restoring_never_changes_the_editorial_state_or_the_slug(client):
    initiative = make_initiative(state=EditorialState.DRAFT, slug="first-slug")
    draft_version = initiative.history.first()
    publish_initiative(initiative)
    client.force_login(make_publisher())

    _restore(client, initiative, draft_version)

    initiative.refresh_from_db()
    assert initiative.state == EditorialState.PUBLISHED
    assert initiative.published_at is not None
    assert initiative.slug == "first-slug"


def test_restoring_a_published_version_does_not_publish_a_draft(client):
    initiative = make_initiative()
    published_version = initiative.history.first()
    transition(initiative, EditorialState.DRAFT, actor=None)
    client.force_login(make_editor())

    response = _restore(client, initiative, published_version)

    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.state == EditorialState.DRAFT


def test_editor_cannot_restore_over_a_published_entry(client):
    initiative = make_initiative(title="First title")
    first_version = initiative.history.first()
    initiative.title = "Published title"
    initiative.save()
    client.force_login(make_editor())

    form_url = _url(
        Initiative, "simple_history", initiative.pk, first_version.history_id
    )
    response = client.post(form_url, {"title": "First title"})

    assert response.status_code == 403
    initiative.refresh_from_db()
    assert initiative.title == "Published title"


def test_state_changes_appear_in_the_history_with_their_reason():
    initiative = make_initiative(state=EditorialState.DRAFT)
    publisher = make_publisher()

    transition(initiative, EditorialState.IN_REVIEW, actor=publisher, reason="Ready")

    latest = initiative.history.first()
    assert latest.state == EditorialState.IN_REVIEW
    assert latest.history_user == publisher
    assert latest.history_change_reason == "Draft to In review: Ready"


def test_demo_data_writes_no_history_and_is_removed_cleanly():
    call_command("load_seed_content", only=STARTER_CONTENT)
    before = Initiative.history.count()

    call_command("generate_demo_data", initiatives=20)
    assert Initiative.history.count() == before

    # A curator publishes a demo entry: the removal still succeeds.
    demo = Initiative.objects.demo().exclude(state=EditorialState.PUBLISHED).first()
    assert demo is not None
    publish_initiative(demo, actor=make_publisher())
    call_command("remove_demo_data")

    assert not Initiative.objects.demo().exists()
    assert not StateChange.objects.filter(initiative_id=demo.pk).exists()
    assert not Initiative.history.filter(origin=Initiative.Origin.DEMO).exists()


def test_one_admin_save_is_one_version_holding_its_new_links(client):
    publisher = make_publisher()
    initiative = make_initiative(state=EditorialState.DRAFT, title="Street triage")
    area, theme, group = make_police_area(), make_theme(), make_target_group()
    before = initiative.history.count()
    client.force_login(publisher)
    change_url = _url(Initiative, "change", initiative.pk)
    data = admin_form_data(
        client.get(change_url),
        title="Street triage pilot",
        police_areas=[str(area.pk)],
        themes=[str(theme.pk)],
        target_groups=[str(group.pk)],
    )

    assert client.post(change_url, data).status_code == 302

    # One save changed the row and three kinds of link: one version.
    assert initiative.history.count() == before + 1
    latest = initiative.history.first()
    assert latest.title == "Street triage pilot"
    assert latest.history_user == publisher
    assert [row.policearea_id for row in latest.police_areas.all()] == [area.pk]
    assert [row.theme_id for row in latest.themes.all()] == [theme.pk]
    assert [row.targetgroup_id for row in latest.target_groups.all()] == [group.pk]


def test_history_list_shows_state_labels_and_no_none_for_a_missing_reason(client):
    initiative = make_initiative(state=EditorialState.DRAFT, title="Street triage")
    publisher = make_publisher()
    transition(initiative, EditorialState.IN_REVIEW, actor=publisher)
    initiative.title = "Street triage pilot"
    initiative.save()  # a save with no reason given
    # A version kept before reasons were always text.
    initiative.history.filter(history_type="+").update(history_change_reason=None)
    client.force_login(publisher)

    page = client.get(_url(Initiative, "history", initiative.pk))

    html = page.content.decode()
    assert initiative.history.first().history_change_reason == ""
    reasons = [record.history_change_reason for record in page.context["page_obj"]]
    assert None not in reasons and "Draft to In review" in reasons
    assert "<strong>Editorial state:</strong>\n                    Draft" in html
    assert "&nbsp;&rarr;&nbsp;&nbsp;In review" in html
    assert "&rarr;&nbsp;&nbsp;in-review" not in html
