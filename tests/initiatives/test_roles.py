"""The two curation roles, as the migrations make them."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from tests.factories import make_editor, make_publisher, make_user, migration_module

pytestmark = pytest.mark.django_db

roles_migration = migration_module("_editors_and_publishers")


def test_members_of_the_old_curators_group_become_publishers():
    Group.objects.filter(name__in=["editors", "publishers"]).delete()
    curator = make_user(is_staff=True)
    Group.objects.create(name="curators").user_set.add(curator)

    roles_migration.create_roles(apps, None)

    assert not Group.objects.filter(name="curators").exists()
    assert list(Group.objects.get(name="publishers").user_set.all()) == [curator]
    assert Group.objects.get(name="editors").permissions.exists()


@pytest.mark.parametrize(
    ("permission", "editor", "publisher"),
    [
        ("initiatives.add_initiative", True, True),
        ("initiatives.change_initiative", True, True),
        ("initiatives.publish_initiative", False, True),
        ("initiatives.publish_briefing", False, True),
        ("initiatives.change_briefing", True, True),
        ("initiatives.view_policearea", True, True),
        ("initiatives.change_policearea", False, True),
        ("themes.change_theme", False, True),
        ("initiatives.view_suggestion", True, True),
        ("initiatives.add_source", True, True),
        ("initiatives.change_source", True, True),
        ("initiatives.delete_source", False, True),
        ("initiatives.add_initiativesource", True, True),
        ("initiatives.delete_suggestion", False, True),
        ("initiatives.view_problemreport", True, True),
        ("initiatives.change_problemreport", True, True),
        ("initiatives.add_problemreport", False, False),
        ("initiatives.delete_problemreport", False, True),
        ("initiatives.add_statechange", False, False),
        ("auth.change_user", False, False),
    ],
)
def test_rights_of_each_role(permission, editor, publisher):
    assert make_editor().has_perm(permission) is editor
    assert make_publisher().has_perm(permission) is publisher
