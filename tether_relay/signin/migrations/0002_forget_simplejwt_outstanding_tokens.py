"""Empty SimpleJWT's blacklist tables, which held every issued refresh token in clear.

Sign-in sessions replace that app; its tables stay (the app is no longer installed to drop
them) but hold no token that could be replayed.
"""

from django.db import migrations

_TABLES = ("token_blacklist_blacklistedtoken", "token_blacklist_outstandingtoken")


def forget_outstanding_tokens(apps, schema_editor):
    connection = schema_editor.connection
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in _TABLES:  # the blacklist first: it refers to the outstanding tokens
            if table in existing:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [("signin", "0001_initial")]

    operations = [
        migrations.RunPython(forget_outstanding_tokens, migrations.RunPython.noop, elidable=True)
    ]
