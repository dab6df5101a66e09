"""Reads an iCalendar file the way calendar software does and prints when each event happens.

Usage: ics_occurrences.py FILE FROM TO
  FILE      an .ics file (one VCALENDAR)
  FROM, TO  UTC instants such as 2026-01-01T00:00:00Z; occurrences starting in [FROM, TO) are printed

Prints one JSON object: {"zoneinfo": {UID: [start, ...]}, "vtimezone": {UID: [start, ...]}}, each start a
UTC instant like 2026-03-30T07:00:00Z, in order.

- "zoneinfo": the file as it is. icalendar resolves a TZID such as Europe/Berlin with the system's zone data
  and ignores the file's VTIMEZONE, as most calendar apps do.
- "vtimezone": every TZID renamed to one no zone database knows, so icalendar must build the zone from the
  file's own VTIMEZONE. This is how a calendar without that zone (or with older data) reads the file.

The Tandem interop tests run this with .venv-test/bin/python (made by Deploy/setup.sh) and compare the
result with Tandem's own occurrences.
"""

import json
import re
import sys
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events


def parse_utc(text):
    if not text.endswith("Z"):
        raise SystemExit(f"ics_occurrences: {text!r} is not a UTC instant (it must end in Z)")
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def starts(calendar_text, start, end, require_custom_zones):
    calendar = icalendar.Calendar.from_ical(calendar_text)
    found = {}
    # between() returns occurrences that overlap the span; keep the ones that start in it, as Tandem counts.
    for event in recurring_ical_events.of(calendar).between(start, end):
        begin = event.decoded("DTSTART")
        if not isinstance(begin, datetime) or begin.tzinfo is None:
            raise SystemExit(f"ics_occurrences: {event.get('UID')} has a DTSTART without a zone: {begin!r}")
        if require_custom_zones and isinstance(begin.tzinfo, ZoneInfo):
            raise SystemExit(f"ics_occurrences: {event.get('UID')} was read with zoneinfo, not the VTIMEZONE")
        instant = begin.astimezone(timezone.utc)
        if start <= instant < end:
            found.setdefault(str(event.get("UID")), []).append(instant)
    return {uid: [i.strftime("%Y-%m-%dT%H:%M:%SZ") for i in sorted(times)] for uid, times in found.items()}


def with_unknown_zone_names(calendar_text):
    """Renames each TZID (the VTIMEZONE's and every TZID= parameter) to TandemZone1, TandemZone2, …"""
    unfolded = re.sub(r"\r?\n[ \t]", "", calendar_text)
    names = sorted(set(re.findall(r"^TZID:(.+?)\r?$", unfolded, flags=re.MULTILINE)))
    renamed = {name: f"TandemZone{n}" for n, name in enumerate(names, start=1)}
    unfolded = re.sub(r"^TZID:(.+?)(\r?)$", lambda m: f"TZID:{renamed[m.group(1)]}{m.group(2)}", unfolded,
                      flags=re.MULTILINE)
    return re.sub(r";TZID=([^;:]+)", lambda m: f";TZID={renamed.get(m.group(1), m.group(1))}", unfolded)


def main(argv):
    if len(argv) != 4:
        raise SystemExit(__doc__)
    with open(argv[1], encoding="utf-8", newline="") as file:
        text = file.read()
    start, end = parse_utc(argv[2]), parse_utc(argv[3])
    result = {
        "zoneinfo": starts(text, start, end, require_custom_zones=False),
        "vtimezone": starts(with_unknown_zone_names(text), start, end, require_custom_zones=True),
    }
    json.dump(result, sys.stdout, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv)
