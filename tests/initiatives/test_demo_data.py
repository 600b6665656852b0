import pytest
from django.core.management import CommandError, call_command

from initiatives.models import Initiative, Organisation, PoliceArea

# The seed content is committed once for the module; each test's own rows
# (demo data included) are rolled back after it.
pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("seeded_library")
class TestDemoData:
    def test_generates_the_number_asked_for_all_marked_as_demo(self, capsys):
        call_command("generate_demo_data", initiatives=40, seed=7)

        demo = Initiative.objects.demo()
        assert demo.count() == 40
        assert not demo.exclude(slug__startswith="demo-").exists()
        assert not demo.exclude(title__startswith="Demo:").exists()
        assert Initiative.objects.curated().count() == 7
        assert "Created 40 demo initiatives" in capsys.readouterr().out
        assert all(initiative.police_areas.exists() for initiative in demo)

    def test_same_seed_gives_same_rows(self):
        call_command("generate_demo_data", initiatives=5, seed=3)
        first = list(Initiative.objects.demo().values_list("title", "status"))
        call_command("remove_demo_data")
        call_command("generate_demo_data", initiatives=5, seed=3)

        assert list(Initiative.objects.demo().values_list("title", "status")) == first

    def test_runs_add_up_without_clashing(self):
        call_command("generate_demo_data", initiatives=3)
        call_command("generate_demo_data", initiatives=4)

        assert Initiative.objects.demo().count() == 7

    def test_remove_deletes_only_demo_rows(self, capsys):
        call_command("generate_demo_data", initiatives=10)
        call_command("remove_demo_data")

        assert not Initiative.objects.demo().exists()
        assert not Organisation.objects.filter(is_demo=True).exists()
        assert Initiative.objects.count() == 7
        assert "Removed 10 demo initiatives" in capsys.readouterr().out

    @pytest.mark.parametrize(
        ("arguments", "message"),
        [
            (["--initiatives", "-5"], "-5 is negative"),
            (["--initiatives", "lots"], "'lots' is not a whole number"),
            (["--colour", "red"], "unrecognized arguments: --colour red"),
        ],
    )
    def test_bad_arguments_are_refused_clearly(self, arguments, message):
        with pytest.raises(CommandError, match=message):
            call_command("generate_demo_data", *arguments)

    def test_refuses_to_run_before_the_seed_content(self):
        Initiative.objects.all().delete()
        PoliceArea.objects.all().delete()

        with pytest.raises(CommandError, match="load_seed_content"):
            call_command("generate_demo_data", initiatives=1)
