"""Bulk import (command and admin, one resource) and export of admin lists."""

import csv
import datetime
import io
import tempfile
import uuid
from pathlib import Path

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from initiatives.models import (
    EditorialState,
    GovernancePeriod,
    Initiative,
    InitiativeOrganisation,
    Organisation,
    PoliceArea,
    Source,
    StateChange,
    TargetGroup,
)
from initiatives.services.publishing import publish_initiative
from tests.factories import (
    STARTER_CONTENT,
    make_briefing,
    make_editor,
    make_initiative,
    make_organisation,
    make_police_area,
    make_publisher,
    make_source,
    make_target_group,
    make_theme,
    make_user,
)
from themes.models import Theme

pytestmark = pytest.mark.django_db

SAMPLE = (
    Path(__file__).resolve().parents[2]
    / "initiatives"
    / "sample_data"
    / "initiatives-import-sample.csv"
)
HEADER = ["title", "police_areas", "themes", "status", "start", "website"]


@pytest.fixture
def vocabulary():
    return {
        "kent": make_police_area(name="Kent", slug="kent"),
        "essex": make_police_area(name="Essex", slug="essex"),
        "theme": make_theme(name="Understanding demand", slug="understanding-demand"),
    }


def _csv(tmp_path, rows, header=HEADER) -> Path:
    path = tmp_path / "initiatives.csv"
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_initiatives", str(path), *args, stdout=out, stderr=err)
    except CommandError as error:
        return False, out.getvalue(), err.getvalue() + str(error)
    return True, out.getvalue(), err.getvalue()


def test_the_sample_file_imports_cleanly():
    call_command("load_seed_content", only=STARTER_CONTENT)
    make_organisation(
        slug="essex-pfcc",
        name="Office of the Police, Fire and Crime Commissioner for Essex",
    )
    before = Initiative.objects.count()

    ok, out, err = _run(SAMPLE)

    assert ok, err
    assert "Imported 2 initiative(s) as drafts." in out
    imported = Initiative.objects.filter(origin=Initiative.Origin.IMPORT)
    assert Initiative.objects.count() == before + 2
    assert set(imported.values_list("state", flat=True)) == {EditorialState.DRAFT}
    panel = imported.get(slug="example-youth-diversion-panel")
    assert sorted(a.slug for a in panel.police_areas.all()) == ["essex", "south-wales"]
    assert panel.status == Initiative.Status.ACTIVE  # given by its label
    assert (panel.start_date, panel.start_date_precision) == (
        datetime.date(2023, 9, 1),
        "month",
    )
    roles = {(r.organisation.slug, r.role) for r in panel.organisation_roles.all()}
    assert roles == {
        ("essex-pfcc", "lead"),
        ("revolving-doors-agency", "partner"),
    }
    navigator = imported.exclude(pk=panel.pk).get()
    assert navigator.slug == "example-community-navigator-scheme-replace-this-row"
    assert [g.slug for g in navigator.target_groups.all()] == [
        "people-with-multiple-needs"
    ]  # matched by its exact name
    assert navigator.history.first().history_change_reason == (
        "Imported from initiatives-import-sample.csv"
    )


def test_sample_rows_are_plainly_examples():
    with SAMPLE.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert rows
    assert all(row["title"].startswith("Example:") for row in rows)


def test_dry_run_reports_every_row_and_writes_nothing(tmp_path, vocabulary):
    path = _csv(
        tmp_path,
        [
            ["Street triage", "kent", "understanding-demand", "pilot", "2015", ""],
            ["Hub", "Essex", "", "", "2016-03", "https://example.org/hub"],
        ],
    )

    ok, out, _ = _run(path, "--dry-run")

    assert ok
    assert "Row 1: would be added as a draft: Street triage" in out
    assert "Row 2: would be added as a draft: Hub" in out
    assert "Dry run: 2 draft(s) would be added; nothing written." in out
    assert not Initiative.objects.exists()


def test_errors_are_reported_by_row_and_column_and_nothing_is_written(
    tmp_path, vocabulary
):
    path = _csv(
        tmp_path,
        [
            ["Fine row", "kent", "", "", "", "", ""],
            ["", "Kentt", "no-such-theme", "paused", "15/06/2015", "", "javascript:x"],
            # Ends before it starts: a rule across two columns.
            ["Ends early", "kent", "", "", "2015", "2014", ""],
        ],
        header=["title", "police_areas", "themes", "status", "start", "end", "website"],
    )

    ok, out, err = _run(path, "--dry-run")

    assert not ok
    assert "Row 1: valid, but not imported until every row is: Fine row" in out
    assert "Row 2, column title: This field cannot be blank." in err
    assert "Row 2, column police_areas: Unknown police area “Kentt”" in err
    assert "Row 2, column themes: Unknown theme “no-such-theme”" in err
    assert "Row 2, column status: “paused” is not one of: planned, pilot" in err
    assert "Row 2, column start: “15/06/2015” is not a date" in err
    assert "Row 2, column website: Enter a full web address" in err
    assert "Row 3: The end date cannot be before the start date." in err
    assert "Nothing was imported" in err

    # Without --dry-run too: the valid first row is not written either.
    ok, _, _ = _run(path)
    assert not ok
    assert not Initiative.objects.exists()


def test_a_file_without_the_needed_columns_is_refused(tmp_path, vocabulary):
    path = _csv(tmp_path, [["Street triage"]], header=["name"])

    ok, _, err = _run(path)

    assert not ok
    assert "File: The file needs the column(s) police_areas, title" in err


def test_likely_duplicates_in_the_file_and_the_library_are_flagged(
    tmp_path, vocabulary
):
    existing = make_initiative(title="Street Triage", police_areas=[vocabulary["kent"]])
    path = _csv(
        tmp_path,
        [
            ["Street triage", "kent", "", "", "", ""],
            ["Drop-in centre", "essex", "", "", "", ""],
            ["Drop-in centre", "Essex; kent", "", "", "", ""],
            ["Drop-in centre", "kent", "", "", "", ""],
        ],
    )

    ok, _, err = _run(path, "--dry-run")

    assert not ok
    assert (
        f"Row 1, column title: Likely duplicate of “Street Triage” (#{existing.pk})"
        in err
    )
    assert "Row 3, column title: Likely duplicate of row 2 of this file" in err
    assert "Row 4" not in err  # same title, but another area

    ok, out, _ = _run(path, "--allow-duplicates")
    assert ok
    assert "Row 1: Likely duplicate" in out
    assert Initiative.objects.filter(origin=Initiative.Origin.IMPORT).count() == 4


def test_an_import_never_publishes_or_updates(tmp_path, vocabulary):
    existing = make_initiative(slug="street-triage", title="Original")
    header = ["title", "police_areas", "state", "published_at", "origin", "slug"]
    rows = [
        ["New one", "kent", "published", "2020-01-01", "demo", ""],
        ["Overwrite attempt", "kent", "published", "", "", "street-triage"],
    ]
    path = _csv(tmp_path, rows, header=header)

    ok, _, err = _run(path)

    assert not ok
    assert "Row 2, column slug: Initiative with this Slug already exists." in err
    existing.refresh_from_db()
    assert existing.title == "Original"

    path = _csv(tmp_path, rows[:1], header=header)
    ok, _, err = _run(path)
    assert ok, err
    created = Initiative.objects.get(title="New one")
    assert (created.state, created.origin, created.published_at) == (
        EditorialState.DRAFT,
        Initiative.Origin.IMPORT,
        None,
    )
    assert not StateChange.objects.exists()


def test_xlsx_files_with_spreadsheet_dates_and_numbers(tmp_path, vocabulary):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["title", "police_areas", "start", "end", "evidence_msms_level"])
    sheet.append(["Street triage", "kent", 2015, datetime.datetime(2017, 3, 4), 3])  # noqa: DTZ001
    path = tmp_path / "initiatives.xlsx"
    book.save(path)

    ok, _, err = _run(path)

    assert ok, err
    imported = Initiative.objects.get()
    assert (imported.start_date, imported.start_date_precision) == (
        datetime.date(2015, 1, 1),
        "year",
    )
    assert (imported.end_date, imported.end_date_precision) == (
        datetime.date(2017, 3, 4),
        "day",
    )
    assert imported.evidence_msms_level == 3


def test_other_files_are_refused_clearly(tmp_path):
    path = tmp_path / "initiatives.txt"
    path.write_text("title\n")
    ok, _, err = _run(path)
    assert not ok
    assert "Import a .csv or .xlsx file" in err


# -- the admin's import page: the same rules, and the permission matrix --------


def _import_url(view: str = "import") -> str:
    return reverse(f"admin:initiatives_initiative_{view}")


def _upload(client, content: str, **extra):
    return client.post(
        _import_url(),
        {
            "import_file": SimpleUploadedFile(
                "initiatives.csv", content.encode(), content_type="text/csv"
            ),
            "format": "0",
            "resource": "0",
            **extra,
        },
    )


@pytest.mark.parametrize(
    ("user", "allowed"),
    [
        (None, False),
        (lambda: make_user(is_staff=True), False),
        (make_editor, True),
        (make_publisher, True),
    ],
    ids=["anonymous", "staff-without-rights", "editor", "publisher"],
)
def test_admin_import_permission_matrix(client, vocabulary, user, allowed):
    if user is not None:
        client.force_login(user())

    preview = _upload(client, "title,police_areas\nStreet triage,kent\n")

    if not allowed:
        assert preview.status_code in {302, 403}
        assert not Initiative.objects.exists()
        return
    assert preview.status_code == 200
    confirm = preview.context["confirm_form"]
    assert not Initiative.objects.exists()  # the preview is a dry run
    response = client.post(_import_url("process_import"), confirm.initial)
    assert response.status_code == 302
    created = Initiative.objects.get()
    assert created.state == EditorialState.DRAFT
    assert created.history.first().history_user.pk == preview.wsgi_request.user.pk


def test_admin_import_shows_errors_by_row_and_column(client, vocabulary):
    client.force_login(make_editor())

    response = _upload(client, "title,police_areas\nFine,kent\nBad,Kentt\n")

    assert response.status_code == 200
    assert "confirm_form" not in response.context
    invalid = response.context["result"].invalid_rows
    assert [row.number for row in invalid] == [2]
    assert "police_areas" in invalid[0].field_specific_errors
    assert "Unknown police area “Kentt”" in response.content.decode()


def test_admin_import_refuses_duplicates_unless_asked(client, vocabulary):
    make_initiative(title="Street triage", police_areas=[vocabulary["kent"]])
    client.force_login(make_editor())
    content = "title,police_areas\nStreet triage,kent\n"

    refused = _upload(client, content)
    assert "confirm_form" not in refused.context

    allowed = _upload(client, content, allow_duplicates="on")
    confirm = allowed.context["confirm_form"]
    assert confirm.initial["allow_duplicates"] is True
    client.post(_import_url("process_import"), confirm.initial)
    assert Initiative.objects.filter(title="Street triage").count() == 2


# -- the file between preview and confirmation ---------------------------------

# A file an import would happily read: it must never be read or removed.
VICTIM_CONTENT = "title,police_areas\nSmuggled in,kent\n"


@pytest.fixture
def victim_file():
    """A file in the system's temporary folder, as another program's would be."""
    path = Path(tempfile.gettempdir()) / f"victim-{uuid.uuid4().hex}.csv"
    path.write_text(VICTIM_CONTENT, encoding="utf-8")
    yield path
    path.unlink(missing_ok=True)


def _refusal(response) -> str:
    assert response.status_code == 302
    assert response.url == _import_url()
    *_, last = get_messages(response.wsgi_request)  # messages not yet shown
    assert last.level_tag == "error"
    return str(last)


@pytest.mark.parametrize(
    "name",
    [
        lambda path: f"../../{path.parent.name}/{path.name}",
        lambda path: str(path),
        lambda path: path.name,
    ],
    ids=["traversing", "absolute", "bare-name"],
)
def test_a_confirmation_naming_any_other_file_is_refused_and_the_file_survives(
    client, vocabulary, victim_file, name
):
    client.force_login(make_editor())

    response = client.post(
        _import_url("process_import"),
        {
            "import_file_name": name(victim_file),
            "original_file_name": "initiatives.csv",
            "format": "0",
            "resource": "0",
        },
    )

    assert victim_file.read_text(encoding="utf-8") == VICTIM_CONTENT
    assert not Initiative.objects.exists()
    assert "does not come from your own preview" in _refusal(response)


def test_another_users_pending_import_can_be_neither_read_nor_confirmed(
    client, vocabulary
):
    owner, other = make_editor(), make_editor()
    client.force_login(owner)
    confirm = dict(
        _upload(client, "title,police_areas\nStreet triage,kent\n")
        .context["confirm_form"]
        .initial
    )

    client.force_login(other)
    refused = client.post(_import_url("process_import"), confirm)

    assert not Initiative.objects.exists()
    assert "does not come from your own preview" in _refusal(refused)
    # The owner's upload was neither read nor removed: the owner confirms it.
    client.force_login(owner)
    assert client.post(_import_url("process_import"), confirm).status_code == 302
    created = Initiative.objects.get()
    assert created.title == "Street triage"
    assert created.history.first().history_user == owner


def test_a_confirmation_is_refused_once_used_or_expired(client, vocabulary, settings):
    client.force_login(make_editor())
    confirm = dict(
        _upload(client, "title,police_areas\nStreet triage,kent\n")
        .context["confirm_form"]
        .initial
    )
    client.post(_import_url("process_import"), confirm)

    again = client.post(_import_url("process_import"), confirm)

    assert "no longer kept" in _refusal(again)
    assert Initiative.objects.count() == 1

    tampered = {**confirm, "import_file_name": confirm["import_file_name"] + "x"}
    refused = client.post(_import_url("process_import"), tampered)
    assert "does not come from your own preview" in _refusal(refused)


def test_a_preview_too_old_is_refused(client, vocabulary, monkeypatch):
    from practice_library import pending_imports

    client.force_login(make_editor())
    confirm = dict(
        _upload(client, "title,police_areas\nStreet triage,kent\n")
        .context["confirm_form"]
        .initial
    )
    monkeypatch.setattr(pending_imports, "PENDING_IMPORT_SECONDS", -1)

    response = client.post(_import_url("process_import"), confirm)

    assert "previewed too long ago" in _refusal(response)
    assert not Initiative.objects.exists()


def test_admin_confirm_step_is_all_or_nothing(client, vocabulary):
    client.force_login(make_editor())
    preview = _upload(client, "title,police_areas\nStreet triage,kent\n")
    confirm = dict(preview.context["confirm_form"].initial)
    # Between preview and confirmation the library changed: the row is now
    # a duplicate, so the confirmed import must write nothing.
    make_initiative(title="Street triage", police_areas=[vocabulary["kent"]])

    response = client.post(_import_url("process_import"), confirm, follow=True)

    assert Initiative.objects.filter(title="Street triage").count() == 1
    assert "Nothing was imported" in response.content.decode()


class SecondRowFails:
    """Once armed, the second row's links fail to save, after the first row
    was written, as when the database goes away part-way."""

    def __init__(self):
        self.armed = True
        self.saved: list[int] = []


@pytest.fixture
def second_row_fails(monkeypatch):
    from django.db import DatabaseError

    from initiatives.imports import InitiativeResource

    real = InitiativeResource.save_m2m
    failure = SecondRowFails()

    def save_m2m(self, instance, row, **kwargs):
        if failure.armed:
            failure.saved.append(instance.pk)
            if len(failure.saved) == 2:
                raise DatabaseError("the database went away half-way")
        return real(self, instance, row, **kwargs)

    monkeypatch.setattr(InitiativeResource, "save_m2m", save_m2m)
    return failure


THREE_ROWS = "title,police_areas\nFirst,kent\nSecond,essex\nThird,kent\n"


def test_a_command_import_that_fails_half_way_writes_nothing(
    tmp_path, vocabulary, second_row_fails
):
    path = tmp_path / "initiatives.csv"
    path.write_text(THREE_ROWS, encoding="utf-8")

    ok, _, err = _run(path)

    assert not ok
    assert second_row_fails.saved[0] is not None  # the first row was written
    assert "the database went away half-way" in err
    assert not Initiative.objects.exists()
    assert not Initiative.history.filter(title__in=["First", "Second"]).exists()


def test_an_admin_import_that_fails_half_way_writes_nothing(
    client, vocabulary, second_row_fails
):
    client.force_login(make_editor())
    second_row_fails.armed = False
    preview = _upload(client, THREE_ROWS)
    confirm = dict(preview.context["confirm_form"].initial)
    second_row_fails.armed = True

    response = client.post(_import_url("process_import"), confirm, follow=True)

    assert len(second_row_fails.saved) >= 2
    assert "Nothing was imported" in response.content.decode()
    assert not Initiative.objects.exists()
    assert not Initiative.history.filter(title__in=["First", "Second"]).exists()


# -- export of every admin list ------------------------------------------------

EXPORTED = [
    PoliceArea,
    GovernancePeriod,
    Organisation,
    Source,
    TargetGroup,
    Initiative,
    Theme,
    StateChange,
]


@pytest.mark.parametrize("model", EXPORTED, ids=lambda m: m.__name__)
def test_every_admin_list_exports(client, model):
    area = make_police_area()
    GovernancePeriod.objects.create(police_area=area, kind="pcc", body_name="PCC")
    make_organisation()
    make_target_group()
    make_theme()
    make_source(title="=HYPERLINK(1)")
    publish_initiative(make_initiative(state=EditorialState.DRAFT, police_areas=[area]))
    client.force_login(make_publisher())
    meta = model._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_export")

    form = client.get(url).context["form"]
    data = {
        name: "on"
        for name, field in form.fields.items()
        if getattr(field, "is_selectable_field", False)
    }
    response = client.post(url, {**data, "format": "0", "resource": "0"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert len(response.content.decode().splitlines()) >= 2
    text = response.content.decode()
    assert "=HYPERLINK" not in text.replace("'=HYPERLINK", "")
    if model is Source:
        assert "'=HYPERLINK(1)" in text  # kept, and neutralised


def test_briefing_list_exports_as_xlsx(client):
    make_briefing()
    client.force_login(make_editor())
    url = reverse("admin:initiatives_briefing_export")
    form = client.get(url).context["form"]
    data = {
        name: "on"
        for name, field in form.fields.items()
        if getattr(field, "is_selectable_field", False)
    }

    response = client.post(url, {**data, "format": "1", "resource": "0"})

    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.active.max_row == 2


def test_initiative_export_uses_the_import_columns(client):
    lead = make_organisation(slug="lead-org")
    initiative = make_initiative(
        police_areas=[make_police_area(slug="kent")],
        organisations={InitiativeOrganisation.Role.LEAD: lead},
        start_date=datetime.date(2015, 1, 1),
    )
    client.force_login(make_publisher())
    url = reverse("admin:initiatives_initiative_export")
    form = client.get(url).context["form"]
    data = {
        name: "on"
        for name, field in form.fields.items()
        if getattr(field, "is_selectable_field", False)
    }

    response = client.post(url, {**data, "format": "0", "resource": "0"})

    row = next(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert row["title"] == initiative.title
    assert row["police_areas"] == "kent"
    assert row["lead_organisation"] == "lead-org"
    assert row["start"] == "2015"


def _export(client, file_format: str) -> bytes:
    url = reverse("admin:initiatives_initiative_export")
    form = client.get(url).context["form"]
    data = {
        name: "on"
        for name, field in form.fields.items()
        if getattr(field, "is_selectable_field", False)
    }
    return client.post(url, {**data, "format": file_format, "resource": "0"}).content


def test_admin_xlsx_export_leaves_unknown_values_empty_and_imports_back(
    client, vocabulary
):
    make_initiative(
        title="Street triage",
        slug="street-triage",
        police_areas=[vocabulary["kent"], vocabulary["essex"]],
        themes=[vocabulary["theme"]],
        start_date=datetime.date(2019, 4, 1),
        start_date_precision="month",
        evidence_stage="evaluated-locally",
    )
    client.force_login(make_publisher())

    exported = _export(client, "1")

    sheet = openpyxl.load_workbook(io.BytesIO(exported)).active
    rows = list(sheet.iter_rows(values_only=True))
    row = dict(zip(rows[0], rows[1], strict=True))
    # An unknown scale level is an empty cell, not the text "None".
    assert row["evidence_msms_level"] is None
    assert "None" not in rows[1]
    assert row["start"] == "2019-04"
    as_csv = _export(client, "0").decode("utf-8-sig")
    csv_row = next(csv.DictReader(io.StringIO(as_csv)))
    assert csv_row["evidence_msms_level"] == ""
    assert "None" not in csv_row.values()

    # What the admin exports, the admin imports: the same entry comes back.
    Initiative.objects.all().delete()
    preview = client.post(
        _import_url(),
        {
            "import_file": SimpleUploadedFile("initiatives.xlsx", exported),
            "format": "1",
            "resource": "0",
        },
    )
    result = preview.context["result"]
    assert "confirm_form" in preview.context, (result.base_errors, result.row_errors())
    client.post(_import_url("process_import"), preview.context["confirm_form"].initial)
    back = Initiative.objects.get(slug="street-triage")
    assert back.title == "Street triage"
    assert back.evidence_msms_level is None
    assert back.evidence_stage == "evaluated-locally"
    assert (back.start_date, back.start_date_precision) == (
        datetime.date(2019, 4, 1),
        "month",
    )
    assert {area.slug for area in back.police_areas.all()} == {"kent", "essex"}
    assert [theme.slug for theme in back.themes.all()] == ["understanding-demand"]
