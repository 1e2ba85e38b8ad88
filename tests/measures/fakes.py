"""In-memory measures repository: the headcount, with the table's constraints (one row per month, site and staff
group; no negative headcount)."""

from __future__ import annotations

from tests.fakes import _Repo


class FakeMeasures(_Repo):
    def _rows(self) -> dict:
        return self.db.__dict__.setdefault("measure_headcount", {})

    async def replace_headcount(self, rows, *, now):
        keys = [(r.month, r.site, r.staff_group) for r in rows]
        if len(set(keys)) != len(keys):
            raise ValueError("pk_measure_headcount")
        if any(r.headcount < 0 for r in rows):
            raise ValueError("ck_measure_headcount_headcount_not_negative")
        months = {r.month for r in rows}
        table = self._rows()
        for key in [k for k in table if k[0] in months]:
            del table[key]
        for r in rows:
            table[(r.month, r.site, r.staff_group)] = r.headcount
        return len(rows)

    async def latest_headcount(self, *, on_or_before):
        months = [k[0] for k in self._rows() if k[0] <= on_or_before]
        if not months:
            return None, {}
        month = max(months)
        return month, {(s, g): n for (m, s, g), n in self._rows().items() if m == month}

    async def headcount_months(self):
        return sorted({k[0] for k in self._rows()})


FAKE_REPOSITORY = FakeMeasures
