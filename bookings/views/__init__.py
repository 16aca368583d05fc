"""Booking pages by audience: `family`, `workshops`, `counsellor`, `coordinator`
(`common` holds what they share)."""
