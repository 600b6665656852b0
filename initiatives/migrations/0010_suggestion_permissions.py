"""Editors and publishers follow suggestions up; only publishers delete them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

RIGHTS = {
    "editors": ["view_suggestion", "change_suggestion"],
    "publishers": ["view_suggestion", "change_suggestion", "delete_suggestion"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("initiatives")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in RIGHTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="initiatives", codename__in=codenames
            )
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=RIGHTS):
        group.permissions.remove(
            *Permission.objects.filter(codename__endswith="_suggestion")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0009_suggestion"),
        ("initiatives", "0007_editors_and_publishers"),
    ]

    operations = [
        migrations.RunPython(grant, revoke),
    ]
