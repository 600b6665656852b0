"""Full-text search machinery that only PostgreSQL has.

- a trigger keeps ``initiative.search_vector`` in step with the row: title (A),
  summary (B), description (C) and the related names in search_keywords (D),
  with English stemming; it fires for every insert and update, including bulk
  loads, so no code path can forget it;
- a GIN index serves ``search_vector @@ query``;
- pg_trgm and a trigram index on the spelling word list serve "did you mean".

On SQLite (the embedded database of ``make run``) these steps do nothing and
search falls back to matching every word.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

FORWARD = [
    """
    CREATE FUNCTION initiatives_initiative_search_vector() RETURNS trigger
    LANGUAGE plpgsql AS $$
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
    """
    CREATE TRIGGER initiatives_initiative_search_vector
    BEFORE INSERT OR UPDATE OF title, summary, description, search_keywords,
        search_vector
    ON initiatives_initiative
    FOR EACH ROW EXECUTE FUNCTION initiatives_initiative_search_vector()
    """,
    "UPDATE initiatives_initiative SET search_vector = NULL",
    """
    CREATE INDEX initiative_search_vector_gin
    ON initiatives_initiative USING gin (search_vector)
    """,
    """
    CREATE INDEX search_word_trigram_gin
    ON initiatives_searchword USING gin (word gin_trgm_ops)
    """,
]

BACKWARD = [
    "DROP INDEX IF EXISTS search_word_trigram_gin",
    "DROP INDEX IF EXISTS initiative_search_vector_gin",
    "DROP TRIGGER IF EXISTS initiatives_initiative_search_vector"
    " ON initiatives_initiative",
    "DROP FUNCTION IF EXISTS initiatives_initiative_search_vector()",
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
        ("initiatives", "0001_initial"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(forward, backward, elidable=False),
    ]
