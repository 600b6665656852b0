"""Editors add and change sources, as they do organisations, and choose the
sources an initiative cites; only publishers delete sources."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CITATIONS = ["view", "add", "change", "delete"]
RIGHTS = {
    "editors": {
        "source": ["view", "add", "change"],
        "initiativesource": CITATIONS,
    },
    "publishers": {
        "source": ["view", "add", "change", "delete"],
        "initiativesource": CITATIONS,
    },
}
MODELS = ["source", "initiativesource"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("initiatives")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, models in RIGHTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="initiatives",
                codename__in=[
                    f"{action}_{model}"
                    for model, actions in models.items()
                    for action in actions
                ],
            )
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=RIGHTS):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="initiatives",
                content_type__model__in=MODELS,
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0013_content_load"),
        ("initiatives", "0007_editors_and_publishers"),
    ]

    operations = [
        migrations.RunPython(grant, revoke),
    ]
