"""Speaker autocomplete at scale: trigram GIN indexes on the speaker's name and the alias's normalized
form, which serve the prefix matches of selectors.speaker_search (`UPPER(name) LIKE 'HOL%'`,
`normalized LIKE '% hol%'`).

PostgreSQL only, and only where the pg_trgm extension can be created (it is a trusted extension
since PostgreSQL 13: the database's owner may create it). Where it cannot, the migration says so and
leaves the search to a sequential scan of the speakers (a few milliseconds at thousands of them);
SQLite needs nothing.
"""
from django.db import migrations, transaction
from django.db.utils import DatabaseError

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # Django's istartswith / icontains compare UPPER(name): the index is on that expression.
    "CREATE INDEX IF NOT EXISTS speaker_name_trgm_idx ON quotes_speaker USING gin ((UPPER(name)) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS speakeralias_normalized_trgm_idx ON quotes_speakeralias "
    "USING gin (normalized gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS speakeralias_normalized_trgm_idx",
    "DROP INDEX IF EXISTS speaker_name_trgm_idx",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):  # a savepoint: a refusal undoes only this
            for sql in FORWARD:
                schema_editor.execute(sql)
    except DatabaseError as error:
        print(f"\n  Speaker autocomplete: no trigram indexes ({error}); it scans the speakers instead.")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ("quotes", "0010_merge_stance_relevance"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
