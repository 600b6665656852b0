"""Problems with the website reported by visitors; editors and publishers
follow them up, only publishers delete them (as with suggestions)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

RIGHTS = {
    "editors": ["view_problemreport", "change_problemreport"],
    "publishers": [
        "view_problemreport",
        "change_problemreport",
        "delete_problemreport",
    ],
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
            *Permission.objects.filter(
                content_type__app_label="initiatives",
                content_type__model="problemreport",
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0020_public_change"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProblemReport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("accessibility", "An accessibility problem"),
                            ("information", "Wrong or missing information"),
                            ("other", "Something else"),
                        ],
                        max_length=15,
                    ),
                ),
                (
                    "description",
                    models.TextField(max_length=3000, verbose_name="what went wrong"),
                ),
                (
                    "page",
                    models.CharField(
                        blank=True,
                        help_text="The path on this site the report is about, if one was given.",
                        max_length=500,
                        verbose_name="page address",
                    ),
                ),
                (
                    "reply_email",
                    models.EmailField(
                        blank=True,
                        help_text="Given only to be answered; never published.",
                        max_length=254,
                        verbose_name="reply e-mail address",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("new", "New"),
                            ("in-hand", "Being looked at"),
                            ("done", "Dealt with"),
                        ],
                        db_index=True,
                        default="new",
                        max_length=10,
                    ),
                ),
                (
                    "curator_note",
                    models.TextField(blank=True, help_text="Private to curators."),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "ordering": ["-created_at", "-pk"],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
