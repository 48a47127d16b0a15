"""Calendars: the private feed of each user, and the renewal offer (book a seat from a reminder)."""
