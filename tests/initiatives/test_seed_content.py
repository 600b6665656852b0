import datetime

import pytest
from django.core.management import call_command

from initiatives.models import (
    Briefing,
    EditorialState,
    GovernanceKind,
    Initiative,
    Organisation,
    PoliceArea,
)
from themes.models import Theme

pytestmark = pytest.mark.django_db


def _snapshot():
    return {
        model.__name__: sorted(model.objects.values_list("pk", "updated_at"))
        for model in (PoliceArea, Theme, Organisation, Initiative, Briefing)
    }


def test_seed_loads_43_areas_and_7_themes(capsys):
    call_command("load_seed_content")

    assert PoliceArea.objects.count() == 43
    assert PoliceArea.objects.filter(nation="wales").count() == 4
    assert Theme.objects.count() == 7
    assert "police areas: 43" in capsys.readouterr().out
    for slug in [
        "lancashire",
        "south-wales",
        "essex",
        "metropolitan",
        "city-of-london",
    ]:
        assert PoliceArea.objects.filter(slug=slug).exists()


def test_seed_is_idempotent(capsys):
    call_command("load_seed_content")
    before = _snapshot()
    capsys.readouterr()

    call_command("load_seed_content")

    assert _snapshot() == before
    assert "nothing changed" in capsys.readouterr().out


@pytest.mark.usefixtures("seeded_library")
class TestSeedContent:
    def test_governance_reflects_todays_arrangements(self):
        governance = {
            area.slug: area.current_governance
            for area in PoliceArea.objects.with_governance()
        }

        assert all(period is not None for period in governance.values())
        kinds = {slug: period.kind for slug, period in governance.items() if period}
        assert kinds["metropolitan"] == GovernanceKind.MAYOR
        assert kinds["essex"] == GovernanceKind.PFCC
        assert kinds["city-of-london"] == GovernanceKind.POLICE_AUTHORITY
        assert kinds["lancashire"] == GovernanceKind.PCC

    def test_briefing_features_its_seven_initiatives_all_published(self):
        briefing = Briefing.objects.get()

        assert briefing.published_on == datetime.date(2015, 12, 17)
        assert briefing.number == 4
        assert briefing.initiatives.filter(state=EditorialState.PUBLISHED).count() == 7
        assert briefing.key_findings.filter(text__contains="20% and 40%").exists()
        assert set(briefing.publishers.values_list("slug", flat=True)) == {
            "revolving-doors-agency",
            "transition-to-adulthood-alliance",
        }

    def test_invents_no_dates_budgets_or_outcomes(self):
        initiatives = Initiative.objects.all()

        assert not initiatives.filter(start_date__isnull=False).exists()
        assert not initiatives.exclude(evidence_outcome="").exists()
        assert not initiatives.filter(funding__isnull=False).exists()
        team = Initiative.objects.get(slug="lancashire-early-action-response-team")
        assert team.parent is not None
        assert team.parent.slug == "public-services-lancashire"
