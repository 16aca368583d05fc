"""PostgreSQL only: no two active individual bookings of one counsellor overlap.

The range is [start, blocks_until): back-to-back sessions are allowed, and the
buffer after a session is part of the time it holds. On SQLite this migration
does nothing; there, IMMEDIATE transactions serialise the booking service.
"""

from django.db import migrations

CONSTRAINT = "booking_counsellor_no_overlap"

CREATE = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE bookings_booking ADD CONSTRAINT {CONSTRAINT}
  EXCLUDE USING gist (
    counsellor_id WITH =,
    tstzrange(start, blocks_until, '[)') WITH &&
  )
  WHERE (status IN ('confirmed', 'attended', 'no_show') AND group_session_id IS NULL);
"""

DROP = f"ALTER TABLE bookings_booking DROP CONSTRAINT IF EXISTS {CONSTRAINT};"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0002_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
