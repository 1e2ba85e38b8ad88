"""The capability registry: the one list of what the bot can do.

Each capability has a home in every layer under the same name (core/<name>/, dialogs/<name>/,
storage/<name>/, tests/<name>/) and one descriptor here. The composition root, the unit of work, the router,
the scheduler, the manifest's command list and the test fakes iterate over `CAPABILITIES`; none of them names a
capability. Adding one is: a home in each layer, one line below, one migration, and its tests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot import hooks
from bot.config import Config
from bot.graph_install import installer_for
from core.announcements import ticks as announcement_ticks
from core.clinics import ticks as clinic_ticks
from core.coaching import ticks as coaching_ticks
from core.events import ticks as event_ticks
from core.forum import ticks as forum_ticks
from core.kernel.content import Content
from core.kernel.pages import Page
from core.kernel.ticks import TickSpec
from core.learning import ticks as learning_ticks
from core.measures import ticks as measure_ticks
from core.projects import ticks as project_ticks
from core.sets import ticks as set_ticks
from core.surveys import ticks as survey_ticks
from core.surveys.pseudonyms import Pseudonyms
from dialogs import (
    admin,
    announcements,
    clinics,
    coaching,
    events,
    forum,
    help,
    learning,
    measures,
    onboarding,
    preferences,
    profile,
    projects,
    sets,
    surveys,
)
from dialogs.announcements import pages as announcement_pages
from dialogs.clinics import pages as clinic_pages
from dialogs.events import pages as event_pages
from dialogs.kit.feature import FeatureRouter
from dialogs.kit.router import Router
from dialogs.measures import pages as measure_pages
from dialogs.projects import pages as project_pages
from dialogs.sets import pages as set_pages
from dialogs.surveys import pages as survey_pages
from storage import content as content_loader
from storage.announcements.content import load_announcements
from storage.announcements.repository import SqlAnnouncementRepository
from storage.clinics.content import load_clinics
from storage.clinics.repository import SqlClinicRepository
from storage.coaching.content import load_coaching
from storage.coaching.repository import SqlCoachingRepository
from storage.events.content import load_events
from storage.events.repository import SqlEventRepository
from storage.forum.content import load_forum
from storage.forum.repository import SqlForumRepository
from storage.learning.content import load_learning
from storage.learning.repository import SqlLearningRepository
from storage.measures.content import load_measures
from storage.measures.repository import SqlMeasureRepository
from storage.projects.content import load_projects
from storage.projects.repository import SqlProjectRepository
from storage.sets.content import load_sets
from storage.sets.repository import SqlSetRepository
from storage.surveys.content import load_surveys
from storage.surveys.repository import SqlSurveyRepository
from storage.uow import SqlUnitOfWorkFactory


@dataclass(frozen=True)
class Capability:
    name: str  # its home's name in every layer, and `uow.<name>`, `content.<name>`
    router: FeatureRouter | None = None  # commands and card verbs (menu order is registry order)
    repository: Callable[[Any], Any] | None = None  # storage class taking the unit of work's connection
    content: Callable[[Path, Any], Any] | None = None  # loads and checks its content files
    ticks: tuple[TickSpec, ...] = ()  # declared next to its services
    messages: Callable[[Content, Any, Config], Any] | None = None  # (content, links, config) -> its message builder
    pages: tuple[Page, ...] = ()  # HTTP pages behind signed links (files, images, printable pages)


CAPABILITIES: tuple[Capability, ...] = (
    Capability(
        "clinics",
        router=clinics.router,
        repository=SqlClinicRepository,
        content=load_clinics,
        ticks=clinic_ticks.TICKS,
        messages=lambda content, links, config: clinics.ClinicCards(content),
        pages=clinic_pages.PAGES,
    ),
    Capability(
        "learning",
        router=learning.router,
        repository=SqlLearningRepository,
        content=load_learning,
        ticks=learning_ticks.TICKS,
        messages=lambda content, links, config: learning.LearningCards(content),
    ),
    Capability(
        "projects",
        router=projects.router,
        repository=SqlProjectRepository,
        content=load_projects,
        ticks=project_ticks.TICKS,
        messages=lambda content, links, config: projects.ProjectCards(content, links),
        pages=project_pages.PAGES,
    ),
    Capability(
        "sets",
        router=sets.router,
        repository=SqlSetRepository,
        content=load_sets,
        ticks=set_ticks.TICKS,
        messages=lambda content, links, config: sets.SetCards(content, links),
        pages=set_pages.PAGES,
    ),
    Capability(
        "coaching",
        router=coaching.router,
        repository=SqlCoachingRepository,
        content=load_coaching,
        ticks=coaching_ticks.TICKS,
        messages=lambda content, links, config: coaching.CoachingCards(content),
    ),
    Capability(
        "forum",
        router=forum.router,
        repository=SqlForumRepository,
        content=load_forum,
        ticks=forum_ticks.TICKS,
        messages=lambda content, links, config: forum.ForumCards(
            content,
            lambda measure, points, viewer, now: project_pages.chart_url(
                links, measure, points, viewer=viewer, now=now
            ),
        ),
    ),
    Capability(
        "events",
        router=events.router,
        repository=SqlEventRepository,
        content=load_events,
        ticks=event_ticks.TICKS,
        messages=lambda content, links, config: events.EventCards(content),
        pages=event_pages.PAGES,
    ),
    Capability(
        "surveys",
        router=surveys.router,
        repository=SqlSurveyRepository,
        content=load_surveys,
        ticks=survey_ticks.TICKS,
        messages=lambda content, links, config: surveys.SurveyCards(
            content, links, Pseudonyms(config.survey_pseudonym_key)
        ),
        pages=survey_pages.PAGES,
    ),
    Capability(
        "announcements",
        router=announcements.router,
        repository=SqlAnnouncementRepository,
        content=load_announcements,
        ticks=announcement_ticks.TICKS,
        messages=lambda content, links, config: announcements.AnnouncementCards(
            content, links, installer_for(config), config.admins
        ),
        pages=announcement_pages.PAGES,
    ),
    Capability(
        "measures",
        router=measures.router,
        repository=SqlMeasureRepository,
        content=load_measures,
        ticks=measure_ticks.TICKS,
        pages=measure_pages.PAGES,
    ),
    Capability("profile", router=profile.router),
    Capability("preferences", router=preferences.router),
    Capability("admin", router=admin.router),
    Capability("onboarding", router=onboarding.router),
    Capability("help", router=help.router),
)


def routers() -> tuple[FeatureRouter, ...]:
    return tuple(c.router for c in CAPABILITIES if c.router is not None)


def router() -> Router:
    return Router(routers())


def repositories() -> Mapping[str, Callable[[Any], Any]]:
    return {c.name: c.repository for c in CAPABILITIES if c.repository is not None}


def load_content(content_dir: Path | None = None) -> Content:
    loaders = {c.name: c.content for c in CAPABILITIES if c.content is not None}
    return content_loader.load_content(loaders, content_dir)


def uow_factory(engine: AsyncEngine) -> SqlUnitOfWorkFactory:
    return SqlUnitOfWorkFactory(engine, repositories())


def messages(content: Content, links: Any, config: Config | None = None) -> dict[str, Any]:
    """Each capability's proactive message builder, built once (`config` carries the keys some need)."""
    config = config or Config()
    return {c.name: c.messages(content, links, config) for c in CAPABILITIES if c.messages is not None}


def ticks(built_messages: Mapping[str, Any]) -> list[tuple[TickSpec, Any]]:
    return [(spec, built_messages.get(c.name)) for c in CAPABILITIES for spec in c.ticks]


def pages() -> tuple[Page, ...]:
    return tuple(page for c in CAPABILITIES for page in c.pages)


def wire(content: Content) -> None:
    """Connect one capability's hooks to another's services (bot/hooks.py), so neither imports the other."""
    hooks.wire(content)
