"""The article list's search at scale: trigram GIN indexes on the title, the outlet and the body,
which serve `ArticleFilter.filter_text` (`UPPER(body) LIKE UPPER('%ceasefire%')`, Django's
icontains) as it is, so the search finds exactly the rows it found before; without them every
search read every article's body.

PostgreSQL only, and only where pg_trgm can be created (see 0011); where it cannot, the migration
says so and the search scans the articles as before. SQLite needs nothing.
"""
from django.db import migrations, transaction
from django.db.utils import DatabaseError

# Django's icontains compares UPPER(column): the indexes are on that expression.
FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS article_title_trgm_idx ON quotes_article USING gin ((UPPER(title)) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS article_outlet_trgm_idx ON quotes_article USING gin ((UPPER(outlet)) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS article_body_trgm_idx ON quotes_article USING gin ((UPPER(body)) gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS article_body_trgm_idx",
    "DROP INDEX IF EXISTS article_outlet_trgm_idx",
    "DROP INDEX IF EXISTS article_title_trgm_idx",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):  # a savepoint: a refusal undoes only this
            for sql in FORWARD:
                schema_editor.execute(sql)
    except DatabaseError as error:
        print(f"\n  Article search: no trigram indexes ({error}); it scans the articles instead.")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ("quotes", "0011_speaker_search_trgm"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
