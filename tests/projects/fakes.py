"""In-memory projects repository (the part the other capabilities' tests need)."""

from __future__ import annotations

from tests.fakes import _Repo


class FakeProjects(_Repo):
    """Just enough of the project register for other capabilities' tests (projects are tested on SQL)."""

    def add(self, project):
        self.db.__dict__.setdefault("projects", {})[project.id] = project
        return project

    async def get(self, project_id):
        return self.db.__dict__.get("projects", {}).get(project_id)

    async def mine(self, user_id):
        return [p for p in self.db.__dict__.get("projects", {}).values() if user_id in (p.lead_id, p.coach_id)]


FAKE_REPOSITORY = FakeProjects
