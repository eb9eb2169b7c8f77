"""Accent-insensitive search on PostgreSQL: the unaccent and pg_trgm extensions, an IMMUTABLE
wrapper around unaccent (the extension's own function is only STABLE, so it cannot appear in
an index), and a GIN trigram index on lower(portal_unaccent(name)).

On SQLite every step is skipped: search uses the stored `search_text` column instead.
"""

from django.contrib.postgres.operations import CreateExtension, TrigramExtension
from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION portal_unaccent(text) RETURNS text AS
$$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT;
"""
INDEX = """
CREATE INDEX IF NOT EXISTS procedures_procedure_name_trgm
ON procedures_procedure USING gin (lower(portal_unaccent(name)) gin_trgm_ops);
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    schema_editor.execute(INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS procedures_procedure_name_trgm;")
    schema_editor.execute("DROP FUNCTION IF EXISTS portal_unaccent(text);")


class Migration(migrations.Migration):
    dependencies = [("procedures", "0001_initial")]

    operations = [
        CreateExtension("unaccent"),
        TrigramExtension(),
        migrations.RunPython(forwards, backwards),
    ]
