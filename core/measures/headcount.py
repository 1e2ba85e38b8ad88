"""Headcount import: an HR extract of counts only (month, site, staff group, headcount), checked whole before
anything is written. Every bad line is named; one bad line refuses the file, so nothing changes.

Sites and staff groups may be given by id or by label (as organisation.yaml names them); months as YYYY-MM or
the first day YYYY-MM-01. A column holding anything else (a name, an employee number) refuses the file: the
denominators are counts, never people."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from core.kernel.content import Content, Organisation
from core.kernel.errors import InvalidInput
from core.kernel.ports import UnitOfWork
from core.measures.model import HeadcountRow

COLUMNS = ("month", "site", "staff_group", "headcount")
MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-01)?$")
MAX_PROBLEMS = 10
MAX_HEADCOUNT = 1_000_000


class HeadcountFileError(InvalidInput):
    def __init__(self, problems: list[str]) -> None:
        shown = problems[:MAX_PROBLEMS]
        more = f"\n... and {len(problems) - MAX_PROBLEMS} more" if len(problems) > MAX_PROBLEMS else ""
        super().__init__("The headcount file was not imported; nothing changed.\n" + "\n".join(shown) + more)
        self.problems = problems


@dataclass(frozen=True)
class ImportSummary:
    rows: int
    months: tuple[date, ...]
    staff: int  # the headcount of the latest month imported


def _lookup(organisation: Organisation, kind: str) -> dict[str, str]:
    found = {}
    for choice in getattr(organisation, kind):
        found[choice.id.lower()] = choice.id
        found[choice.label.lower()] = choice.id
    return found


def parse_headcount(text: str, organisation: Organisation) -> list[HeadcountRow]:
    """The rows of a headcount CSV, or HeadcountFileError naming every bad line (the header is line 1)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower().replace(" ", "_") for h in next(reader, [])]
    missing = [c for c in COLUMNS if c not in header]
    extra = [h for h in header if h and h not in COLUMNS]
    if missing or extra:
        problems = [f"line 1: missing column {c!r}" for c in missing]
        problems += [
            f"line 1: unexpected column {h!r}: the file holds counts only (month, site, staff_group, "
            "headcount), never names"
            for h in extra
        ]
        raise HeadcountFileError(problems)
    where = {c: header.index(c) for c in COLUMNS}
    sites, groups = _lookup(organisation, "sites"), _lookup(organisation, "staff_groups")
    rows, problems, seen = [], [], {}
    for line, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            problems.append(f"line {line}: {len(record)} values where the header has {len(header)}")
            continue
        value = {c: record[i].strip() for c, i in where.items()}
        bad = []
        match = MONTH.match(value["month"])
        month = None
        if match and 1 <= int(match.group(2)) <= 12:
            month = date(int(match.group(1)), int(match.group(2)), 1)
        else:
            bad.append(f"month {value['month']!r} is not YYYY-MM")
        site = sites.get(value["site"].lower())
        if site is None:
            bad.append(f"unknown site {value['site']!r}")
        group = groups.get(value["staff_group"].lower())
        if group is None:
            bad.append(f"unknown staff group {value['staff_group']!r}")
        count = None
        if re.fullmatch(r"-?\d+", value["headcount"]):
            count = int(value["headcount"])
            if count < 0:
                bad.append(f"headcount {count} is negative")
            elif count > MAX_HEADCOUNT:
                bad.append(f"headcount {count} is not a plausible number of staff")
        else:
            bad.append(f"headcount {value['headcount']!r} is not a whole number")
        if not bad:
            key = (month, site, group)
            if key in seen:
                bad.append(f"duplicates line {seen[key]} ({month:%Y-%m}, {site}, {group})")
            else:
                seen[key] = line
        if bad:
            problems.append(f"line {line}: " + "; ".join(bad))
        else:
            rows.append(HeadcountRow(month, site, group, count))
    if problems:
        raise HeadcountFileError(problems)
    if not rows:
        raise HeadcountFileError(["the file has a header but no rows"])
    return rows


async def import_headcount(uow: UnitOfWork, *, text: str, content: Content, now: datetime) -> ImportSummary:
    """Check the whole file, then replace the months it covers in one transaction (the caller commits)."""
    rows = parse_headcount(text, content.organisation)
    await uow.measures.replace_headcount(rows, now=now)
    months = tuple(sorted({r.month for r in rows}))
    return ImportSummary(len(rows), months, sum(r.headcount for r in rows if r.month == months[-1]))
