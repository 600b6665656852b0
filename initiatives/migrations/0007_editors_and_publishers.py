"""Two curation roles replace the single curators' group of migration 0003.

- editors create and edit entries and submit them for review; they may look
  at, but not change, the controlled vocabularies (police areas, governance,
  themes);
- publishers have every right an editor has, and also publish, withdraw and
  return published entries to draft, mark entries as reviewed and maintain
  the vocabularies.

Members of the old "curators" group could publish, so they become publishers,
and the old group goes: one name for one role.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ALL = ["view", "add", "change", "delete"]
EDITORS = {
    "initiatives": {
        "initiative": ALL,
        "initiativeorganisation": ALL,
        "funding": ALL,
        "toolkitlink": ALL,
        "briefing": ALL,
        "keyfinding": ALL,
        "briefingmention": ALL,
        "organisation": ["view", "add", "change"],
        "targetgroup": ["view", "add", "change"],
        "policearea": ["view"],
        "governanceperiod": ["view"],
        "statechange": ["view"],
    },
    "themes": {"theme": ["view"]},
}
PUBLISHERS = {
    "initiatives": {
        **{model: ALL for model in EDITORS["initiatives"]},
        "statechange": ["view"],
    },
    "themes": {"theme": ALL},
}
PUBLISHING = ["publish_initiative", "publish_briefing"]


def _ensure_permissions(apps):
    # Permissions are normally created after all migrations have run.
    for app_label in ("initiatives", "themes"):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None


def _grant(apps, group, rights: dict[str, dict[str, list[str]]], extra=()):
    Permission = apps.get_model("auth", "Permission")
    for app_label, models in rights.items():
        for model, actions in models.items():
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label,
                    content_type__model=model,
                    codename__in=[f"{action}_{model}" for action in actions],
                )
            )
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="initiatives", codename__in=extra
        )
    )


def create_roles(apps, schema_editor):
    _ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    editors, _ = Group.objects.get_or_create(name="editors")
    _grant(apps, editors, EDITORS)
    publishers, _ = Group.objects.get_or_create(name="publishers")
    _grant(apps, publishers, PUBLISHERS, extra=PUBLISHING)
    curators = Group.objects.filter(name="curators").first()
    if curators is not None:
        publishers.user_set.add(*curators.user_set.all())
        curators.delete()


def restore_curators(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    curators, _ = Group.objects.get_or_create(name="curators")
    _grant(apps, curators, PUBLISHERS)
    for name in ("editors", "publishers"):
        group = Group.objects.filter(name=name).first()
        if group is not None:
            curators.user_set.add(*group.user_set.all())
            group.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0006_publish_permissions_and_state_changes"),
        ("themes", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_roles, restore_curators),
    ]
