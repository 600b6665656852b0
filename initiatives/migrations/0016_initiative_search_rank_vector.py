"""A small vector to rank search results by, kept by the search trigger.

``search_rank_vector`` holds the title (A), summary (B) and related names (D)
only. The full ``search_vector`` (with the description, C) is usually stored
out of line (TOAST); ranking every match of a broad search by it read each one
back. The small vector stays in the row. Matching still uses the full vector
and its GIN index, so what a search finds does not change.

On SQLite these steps do nothing, as in 0002.
"""

import django.contrib.postgres.search
from django.db import migrations

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION initiatives_initiative_search_vector()
    RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        title tsvector := setweight(
            to_tsvector('english', coalesce(NEW.title, '')), 'A');
        summary tsvector := setweight(
            to_tsvector('english', coalesce(NEW.summary, '')), 'B');
        keywords tsvector := setweight(
            to_tsvector('english', coalesce(NEW.search_keywords, '')), 'D');
    BEGIN
        NEW.search_vector := title || summary || setweight(
            to_tsvector('english', coalesce(NEW.description, '')), 'C'
        ) || keywords;
        NEW.search_rank_vector := title || summary || keywords;
        RETURN NEW;
    END
    $$
    """,
    "DROP TRIGGER initiatives_initiative_search_vector ON initiatives_initiative",
    """
    CREATE TRIGGER initiatives_initiative_search_vector
    BEFORE INSERT OR UPDATE OF title, summary, description, search_keywords,
        search_vector, search_rank_vector
    ON initiatives_initiative
    FOR EACH ROW EXECUTE FUNCTION initiatives_initiative_search_vector()
    """,
    "UPDATE initiatives_initiative SET search_rank_vector = NULL",
]

BACKWARD = [
    """
    CREATE OR REPLACE FUNCTION initiatives_initiative_search_vector()
    RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
            setweight(to_tsvector('english', coalesce(NEW.summary, '')), 'B') ||
            setweight(to_tsvector('english', coalesce(NEW.description, '')), 'C') ||
            setweight(to_tsvector('english', coalesce(NEW.search_keywords, '')), 'D');
        RETURN NEW;
    END
    $$
    """,
    "DROP TRIGGER initiatives_initiative_search_vector ON initiatives_initiative",
    """
    CREATE TRIGGER initiatives_initiative_search_vector
    BEFORE INSERT OR UPDATE OF title, summary, description, search_keywords,
        search_vector
    ON initiatives_initiative
    FOR EACH ROW EXECUTE FUNCTION initiatives_initiative_search_vector()
    """,
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0015_initiative_real_first_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="initiative",
            name="search_rank_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True
            ),
        ),
        migrations.RunPython(forward, backward, elidable=False),
    ]
