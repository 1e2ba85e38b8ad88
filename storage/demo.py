"""Load the demo people from content/demo.yaml, idempotently (make run calls this on every start)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from core.content import Content
from core.model import Role
from core.ports import UnitOfWork
from core.services.profile import save_profile
from storage.content import DEFAULT_CONTENT_DIR, load_yaml


async def load_demo(uow: UnitOfWork, content: Content, *, now: datetime, content_dir: Path | None = None) -> int:
    """Returns how many demo people were new."""
    doc = load_yaml((content_dir or DEFAULT_CONTENT_DIR) / "demo.yaml")
    created = 0
    for person in doc["people"]:
        user = await uow.users.by_teams_id(person["teams_user_id"])
        if user is None:
            user = await uow.users.add(
                teams_user_id=person["teams_user_id"], aad_object_id=None, tenant_id=None, name=person["name"], now=now
            )
            created += 1
            await save_profile(
                uow,
                user_id=user.id,
                site=person["site"],
                staff_group=person["staff_group"],
                experience=person["experience"],
                organisation=content.organisation,
                now=now,
            )
        for role in person.get("roles", []):
            await uow.users.grant_role(user.id, Role(role), now=now)
    await uow.commit()
    return created
