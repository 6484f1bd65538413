"""Expand an iCalendar feed into its days off, with parsers weekoffs did not
write: Python's icalendar reads the feed and dateutil.rrule expands each
VEVENT's RRULE. Reads the feed on stdin; prints "YYYY-MM-DD part" for each
occurrence from argv[1] to argv[2] (inclusive), sorted.

A whole day is an all-day event (a DATE); a half day is a timed event,
morning when it starts before noon local time, afternoon otherwise.
"""
import datetime
import sys

import icalendar
from dateutil import rrule

first = datetime.date.fromisoformat(sys.argv[1])
last = datetime.date.fromisoformat(sys.argv[2])
cal = icalendar.Calendar.from_ical(sys.stdin.read())
out = []
for ev in cal.walk("VEVENT"):
    start = ev.decoded("dtstart")
    rule = ev.get("rrule").to_ical().decode()
    if isinstance(start, datetime.datetime):
        part = "morning" if start.hour < 12 else "afternoon"
        # dateutil wants UNTIL and DTSTART alike: both aware here.
        occurrences = rrule.rrulestr(rule, dtstart=start)
        days = (o.date() for o in occurrences.between(
            start.tzinfo.localize(datetime.datetime.combine(first, datetime.time())) if hasattr(start.tzinfo, "localize")
            else datetime.datetime.combine(first, datetime.time(), start.tzinfo),
            start.tzinfo.localize(datetime.datetime.combine(last, datetime.time(23, 59, 59))) if hasattr(start.tzinfo, "localize")
            else datetime.datetime.combine(last, datetime.time(23, 59, 59), start.tzinfo),
            inc=True))
    else:
        part = "full"
        begin = datetime.datetime.combine(start, datetime.time())
        occurrences = rrule.rrulestr(rule, dtstart=begin)
        days = (o.date() for o in occurrences.between(
            datetime.datetime.combine(first, datetime.time()),
            datetime.datetime.combine(last, datetime.time()), inc=True))
    out.extend("%s %s" % (d.isoformat(), part) for d in days)
print("\n".join(sorted(out)))
