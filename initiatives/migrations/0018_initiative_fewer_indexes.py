"""Fewer indexes on the initiative table (issue 16).

A query plans with every index of the tables it reads and takes a lock on
each; past 16 relations, a PostgreSQL backend takes them through the shared
lock manager, where the benchmark's requests queued. None of the single-column
indexes dropped here served a query of the site (pg_stat_user_indexes after
the benchmark's requests, made one by one, at 100,000): public queries filter
on the state first and the composite
indexes that lead with it serve them, and the low-cardinality columns (status,
stages of evidence) are never worth an index of their own. Their ``_like``
twins served no LIKE.
"""

from django.db import migrations, models

class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0017_initiative_search_document"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalinitiative",
            name="evidence_outcome",
            field=models.CharField(
                blank=True,
                choices=[
                    ("worked", "Worked"),
                    ("promising", "Promising"),
                    ("new-or-innovative", "New or innovative"),
                    ("did-not-work", "Did not work"),
                    ("mixed", "Mixed"),
                ],
                help_text="Failures are as useful to researchers as successes.",
                max_length=20,
                verbose_name="what the evidence says",
            ),
        ),
        migrations.AlterField(
            model_name="historicalinitiative",
            name="evidence_stage",
            field=models.CharField(
                blank=True,
                choices=[
                    ("untested", "Untested"),
                    ("evaluated-locally", "Evaluated locally"),
                    ("independently-evaluated", "Independently evaluated"),
                ],
                max_length=30,
                verbose_name="stage of practice",
            ),
        ),
        migrations.AlterField(
            model_name="historicalinitiative",
            name="start_date",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="historicalinitiative",
            name="state",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("in-review", "In review"),
                    ("published", "Published"),
                    ("withdrawn", "Withdrawn"),
                ],
                default="draft",
                max_length=10,
                verbose_name="editorial state",
            ),
        ),
        migrations.AlterField(
            model_name="historicalinitiative",
            name="status",
            field=models.CharField(
                blank=True,
                choices=[
                    ("planned", "Planned"),
                    ("pilot", "Pilot"),
                    ("active", "Active"),
                    ("ended", "Ended"),
                ],
                help_text="Leave empty when the sources do not say.",
                max_length=10,
                verbose_name="lifecycle status",
            ),
        ),
        migrations.AlterField(
            model_name="historicalinitiative",
            name="updated_at",
            field=models.DateTimeField(blank=True, editable=False),
        ),
        migrations.AlterField(
            model_name="initiative",
            name="evidence_outcome",
            field=models.CharField(
                blank=True,
                choices=[
                    ("worked", "Worked"),
                    ("promising", "Promising"),
                    ("new-or-innovative", "New or innovative"),
                    ("did-not-work", "Did not work"),
                    ("mixed", "Mixed"),
                ],
                help_text="Failures are as useful to researchers as successes.",
                max_length=20,
                verbose_name="what the evidence says",
            ),
        ),
        migrations.AlterField(
            model_name="initiative",
            name="evidence_stage",
            field=models.CharField(
                blank=True,
                choices=[
                    ("untested", "Untested"),
                    ("evaluated-locally", "Evaluated locally"),
                    ("independently-evaluated", "Independently evaluated"),
                ],
                max_length=30,
                verbose_name="stage of practice",
            ),
        ),
        migrations.AlterField(
            model_name="initiative",
            name="start_date",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="initiative",
            name="state",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("in-review", "In review"),
                    ("published", "Published"),
                    ("withdrawn", "Withdrawn"),
                ],
                default="draft",
                max_length=10,
                verbose_name="editorial state",
            ),
        ),
        migrations.AlterField(
            model_name="initiative",
            name="status",
            field=models.CharField(
                blank=True,
                choices=[
                    ("planned", "Planned"),
                    ("pilot", "Pilot"),
                    ("active", "Active"),
                    ("ended", "Ended"),
                ],
                help_text="Leave empty when the sources do not say.",
                max_length=10,
                verbose_name="lifecycle status",
            ),
        ),
        migrations.AlterField(
            model_name="initiative",
            name="updated_at",
            field=models.DateTimeField(auto_now=True),
        ),
    ]
