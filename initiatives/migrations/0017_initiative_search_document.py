"""Match searches with a GIN index on an expression, not a stored vector.

The stored ``search_vector`` (title A, summary B, description C, related
names D) was about 2 kB an entry at 100,000 entries and stored out of line
(TOAST). PostgreSQL does not count the cost of reading such a value back,
so for a broad search it often preferred reading every row, and every
vector, to the GIN index (a second per search). Now the GIN index holds the
same weighted document computed from the texts
(``initiatives.full_text.SEARCH_DOCUMENT`` is the query's side of it), and
nothing else stores it. Computing the document for every row is what a plan
without the index would do, and PostgreSQL knows that ``to_tsvector`` is
costly, so it uses the index; statistics on the index's expression give it
the number of matches. What a search finds does not change.

The trigger keeps only the small rank vector (0016). On SQLite these steps
do nothing, as in 0002.
"""

from django.db import migrations

DOCUMENT = """
    setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, COALESCE(summary, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, COALESCE(description, '')), 'C')
    || setweight(to_tsvector('english'::regconfig, COALESCE(search_keywords, '')), 'D')
"""

TRIGGER = [
    """
    CREATE OR REPLACE FUNCTION initiatives_initiative_search_vector()
    RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_rank_vector :=
            setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
            setweight(to_tsvector('english', coalesce(NEW.summary, '')), 'B') ||
            setweight(to_tsvector('english', coalesce(NEW.search_keywords, '')), 'D');
        RETURN NEW;
    END
    $$
    """,
    "DROP TRIGGER initiatives_initiative_search_vector ON initiatives_initiative",
    """
    CREATE TRIGGER initiatives_initiative_search_vector
    BEFORE INSERT OR UPDATE OF title, summary, search_keywords, search_rank_vector
    ON initiatives_initiative
    FOR EACH ROW EXECUTE FUNCTION initiatives_initiative_search_vector()
    """,
]
INDEX = [
    f"""
    CREATE INDEX initiative_search_document_gin ON initiatives_initiative
    USING gin (({DOCUMENT}))
    """,
    "ANALYZE initiatives_initiative",
]
OLD_TRIGGER_AND_INDEX = [
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
    "UPDATE initiatives_initiative SET search_vector = NULL",
    """
    CREATE INDEX initiative_search_vector_gin
    ON initiatives_initiative USING gin (search_vector)
    """,
]


def _run(*statements: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0016_initiative_search_rank_vector"),
    ]

    operations = [
        # The trigger stops filling the column before it goes, and fills it
        # again once it is back.
        migrations.RunPython(
            _run(*TRIGGER), _run(*OLD_TRIGGER_AND_INDEX), elidable=False
        ),
        migrations.RemoveField(model_name="initiative", name="search_vector"),
        migrations.RunPython(
            _run(*INDEX),
            _run("DROP INDEX IF EXISTS initiative_search_document_gin"),
            elidable=False,
        ),
    ]
