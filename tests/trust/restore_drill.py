"""What the restore drill compares: every table's row count, a sample of its
rows, and every encrypted case narrative as the application reads it.

`python -m tests.trust.restore_drill` prints the snapshot of the database in
DATABASE_URL as JSON (the drill runs it against the restored database).
"""

from __future__ import annotations

import json
import os
import sys

SAMPLE_ROWS = 3


def _plain(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return str(value)


def snapshot(connection) -> dict:
    """Counts and samples of every table, and decrypted narratives by row."""
    from cases.encryption import encrypted_fields

    tables, samples = {}, {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT COUNT(*) FROM {quoted}")  # noqa: S608 - introspected
            tables[table] = cursor.fetchone()[0]
            key = connection.introspection.get_primary_key_column(cursor, table)
            order = connection.ops.quote_name(key) if key else "1"
            cursor.execute(
                f"SELECT * FROM {quoted} ORDER BY {order} LIMIT {SAMPLE_ROWS}")  # noqa: S608
            samples[table] = [[_plain(v) for v in row] for row in cursor.fetchall()]
    narratives = {}
    for field in encrypted_fields():
        model = field.model
        rows = model._base_manager.using(connection.alias).order_by("pk")
        narratives[f"{model._meta.label}.{field.name}"] = [
            [str(pk), text] for pk, text in rows.values_list("pk", field.name)]
    return {"tables": tables, "samples": samples, "narratives": narratives}


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.trust.drill_settings")
    django.setup()
    from django.db import connection

    json.dump(snapshot(connection), sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
