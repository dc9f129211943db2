"""An .ics file for events, so a resident can add them to the phone's calendar."""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from actions.models import Event
from bot.messages import Attachment


def events_calendar(events: Iterable[Event], zone: ZoneInfo) -> Attachment:
    """One calendar holding the given events (times in UTC, as the file format prefers; all-day
    events as days of `zone`)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Portineria//Case di Quartiere//IT")
    calendar.add("version", "2.0")
    for event in events:
        entry = CalendarEvent()
        entry.add("uid", f"event-{event.id}@portineria")
        entry.add("summary", event.title)
        if event.all_day:  # whole days, as the phone's calendar shows them
            entry.add("dtstart", event.starts_at.astimezone(zone).date())
            entry.add("dtend", event.ends_at.astimezone(zone).date())
        else:
            entry.add("dtstart", event.starts_at)
            entry.add("dtend", event.ends_at)
        entry.add("dtstamp", event.starts_at)
        entry.add("location", f"Casa di Quartiere {event.casa.name}, {event.casa.address}")
        if event.accessibility:
            entry.add("description", event.accessibility)
        calendar.add_component(entry)
    return Attachment("eventi.ics", "text/calendar", calendar.to_ical())
