"""The curators' group: every permission on the library's content.

Later migrations may split curation into finer roles; this one gives a first
curator everything needed on day one, and nothing over users or groups.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATED_MODELS = {
    "initiatives": [
        "policearea",
        "governanceperiod",
        "organisation",
        "targetgroup",
        "initiative",
        "initiativeorganisation",
        "funding",
        "toolkitlink",
        "briefing",
        "keyfinding",
        "briefingmention",
    ],
    "themes": ["theme"],
}


def create_curators_group(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they
    # exist now so that the group can be given them on a fresh database.
    for app_label in CURATED_MODELS:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True  # the documented workaround for stubs
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    curators, _ = Group.objects.get_or_create(name="curators")
    for app_label, models in CURATED_MODELS.items():
        curators.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=app_label, content_type__model__in=models
            )
        )


def remove_curators_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="curators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0002_postgresql_search"),
        ("themes", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_curators_group, remove_curators_group),
    ]
