"""No spreadsheet the site writes carries a live formula (CSV injection).

Every writer is read back with the payloads of ``tests.formula_payloads`` in
the text it carries: the page downloads, the API's CSV format, and every
admin export, with titles sent anonymously through /suggest/ and
/report-a-problem/.
"""

import io
import time

import openpyxl
import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse
from import_export.admin import ExportMixin

from initiatives.forms import fill_time_token
from initiatives.models import EditorialState, GovernancePeriod, Initiative, Suggestion
from initiatives.services.publishing import publish_initiative
from practice_library.spreadsheets import SPREADSHEET_FORMATS
from tests.factories import (
    make_briefing,
    make_initiative,
    make_organisation,
    make_police_area,
    make_source,
    make_target_group,
    make_theme,
)
from tests.formula_payloads import PAYLOADS, csv_cells, defused, live_formulas
from tests.initiatives.api_helpers import api_url

pytestmark = pytest.mark.django_db

# The titles of issue 14, sent anonymously through the suggestion form.
SUGGESTED = PAYLOADS[:3]
# Every admin list that offers an export, by model.
EXPORTING_ADMINS = {
    model: model_admin
    for model, model_admin in admin.site._registry.items()
    if isinstance(model_admin, ExportMixin)
}
CSV_FORMAT, XLSX_FORMAT = (
    str(SPREADSHEET_FORMATS.index(kind)) for kind in SPREADSHEET_FORMATS
)


def _suggest(client, title: str, area, number: int) -> None:
    response = client.post(
        reverse("initiatives:suggest"),
        {
            "title": title,
            "police_areas": [area.pk],
            "summary": PAYLOADS[4],
            "description": PAYLOADS[5],
            "website": "",
            "submitter_name": "Mallory",
            "submitter_email": "mallory@example.org",
            "submitter_organisation": PAYLOADS[6],
            "consent": "on",
            "fax_number": "",
            "started": fill_time_token(time.time() - 30),
        },
        REMOTE_ADDR=f"192.0.2.{number}",
    )
    assert response.status_code == 302, response.content.decode()


def _report_a_problem(client, description: str, number: int) -> None:
    response = client.post(
        reverse("initiatives:report-problem"),
        {
            "kind": "other",
            "description": description,
            "page": "/",
            "reply_email": "",
            "fax_number": "",
            "started": fill_time_token(time.time() - 30),
        },
        REMOTE_ADDR=f"192.0.2.{number}",
    )
    assert response.status_code == 302, response.content.decode()


@pytest.fixture
def hostile_rows(client):
    """A row of every exported kind carrying payloads; suggestions and
    reports of problems sent through the public forms, as an anonymous
    visitor would."""
    area = make_police_area(name=PAYLOADS[3], slug="hostile-area")
    for number, title in enumerate(SUGGESTED, start=1):
        _suggest(client, title, area, number)
        _report_a_problem(client, title, number)
    GovernancePeriod.objects.create(
        police_area=area, kind="pcc", body_name=PAYLOADS[7], note=PAYLOADS[8]
    )
    initiative = make_initiative(
        title=PAYLOADS[9],
        slug="hostile-initiative",
        summary=PAYLOADS[10],
        state=EditorialState.DRAFT,
        police_areas=[area],
        themes=[make_theme(name=PAYLOADS[11], slug="hostile-theme")],
        target_groups=[make_target_group(name=PAYLOADS[12], slug="hostile-group")],
        organisations={"lead": make_organisation(name=PAYLOADS[13], slug="hostile")},
    )
    publish_initiative(initiative, reason=PAYLOADS[7])
    make_briefing(title=PAYLOADS[0], slug="hostile-briefing", summary=PAYLOADS[1])
    make_source(title=PAYLOADS[2], slug="hostile-source", authors=PAYLOADS[4])


def _admin_export(client, model, export_format: str):
    meta = model._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_export")
    form = client.get(url).context["form"]
    every_field = {
        name: "on"
        for name, field in form.fields.items()
        if getattr(field, "is_selectable_field", False)
    }
    response = client.post(
        url, {**every_field, "format": export_format, "resource": "0"}
    )
    assert response.status_code == 200
    return response


@pytest.fixture
def curator(client):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pw"))


def test_every_admin_export_writes_through_the_formula_safe_formats():
    assert EXPORTING_ADMINS  # the registry was read
    for model_admin in EXPORTING_ADMINS.values():
        assert model_admin.get_export_formats() == SPREADSHEET_FORMATS, model_admin


@pytest.mark.usefixtures("hostile_rows", "curator")
def test_no_admin_csv_export_carries_a_live_formula(client):
    for model in EXPORTING_ADMINS:
        response = _admin_export(client, model, CSV_FORMAT)

        cells = csv_cells(response.content.decode("utf-8-sig"))
        assert live_formulas(cells) == [], model
        assert defused(cells), f"no payload reached the {model.__name__} export"


@pytest.mark.usefixtures("hostile_rows", "curator")
@pytest.mark.parametrize("model", [Initiative, Suggestion], ids=lambda m: m.__name__)
def test_suggested_titles_are_exported_as_text_with_their_value_kept(client, model):
    assert Suggestion.objects.count() == len(SUGGESTED)

    as_csv = csv_cells(_admin_export(client, model, CSV_FORMAT).content.decode())
    as_xlsx = openpyxl.load_workbook(
        io.BytesIO(_admin_export(client, model, XLSX_FORMAT).content)
    ).active

    # A leading "=", "+", "-" or "@" is kept (never deleted) behind an
    # apostrophe in CSV, and kept as it is in a text cell of XLSX.
    assert defused(as_csv) >= set(SUGGESTED)
    cells = [cell for row in as_xlsx.iter_rows() for cell in row]
    assert {cell.value for cell in cells} >= set(SUGGESTED)
    assert "f" not in {cell.data_type for cell in cells}


@pytest.fixture
def hostile_library():
    """Published work whose every text shown in downloads is a payload."""
    area = make_police_area(name=PAYLOADS[0], slug="hostile-area")
    theme = make_theme(name=PAYLOADS[1], slug="hostile-theme")
    group = make_target_group(name=PAYLOADS[2], slug="hostile-group")
    lead = make_organisation(name=PAYLOADS[3], slug="hostile-lead")
    initiatives = [
        make_initiative(
            title=payload,
            slug=f"hostile-{number}",
            summary=PAYLOADS[-1 - number],
            police_areas=[area],
            themes=[theme],
            target_groups=[group],
            organisations={"lead": lead},
        )
        for number, payload in enumerate(PAYLOADS)
    ]
    make_briefing(title=PAYLOADS[4], slug="hostile-briefing", initiatives=initiatives)


@pytest.mark.usefixtures("hostile_library")
def test_neither_the_page_download_nor_the_api_csv_carries_a_live_formula(client):
    download = client.get(reverse("initiatives:export-csv"))
    cells = csv_cells(b"".join(download.streaming_content).decode())
    assert live_formulas(cells) == []
    assert defused(cells) == set(PAYLOADS)

    for url in [
        api_url("initiative-list"),
        api_url("initiative-detail", slug="hostile-0"),
        api_url("police-area-list"),
        api_url("theme-list"),
        api_url("briefing-list"),
        api_url("organisation-list"),
        api_url("target-group-list"),
    ]:
        lists = not url.endswith("/hostile-0/")
        response = client.get(
            url, {"format": "csv", **({"page_size": 100} if lists else {})}
        )

        assert response.status_code == 200
        cells = csv_cells(response.content.decode())
        assert live_formulas(cells) == [], url
        assert defused(cells), url
        if url == api_url("initiative-list"):
            assert defused(cells) == set(PAYLOADS)
