"""Production settings, plus the one change a load generator needs.

wrk is a single client hammering one feed URL; the feeds' per-secret and
per-IP rate limits (bookings.feeds) would turn the measurement into 429s.
Everything else is exactly portal.settings.production.
"""

from portal.settings.production import *  # noqa: F403

CALENDAR_FEED_RATE_PER_SECRET = 10**9
CALENDAR_FEED_RATE_PER_IP = 10**9
# The bench database is a demo database (seed_demo --scale 20).
SEED_DEMO_ALLOWED = True
