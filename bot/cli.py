"""`qibot`: the command line for operators and for `make run`.

qibot db upgrade                 apply database migrations
qibot demo load                  load the demo people (idempotent)
qibot demo scale [--seed N] [--scale F] [--today YYYY-MM-DD]
                                 write a five-year synthetic trust (15,000 staff...) into an empty database
qibot serve                      run the bot (HTTP on QIBOT_HOST:QIBOT_PORT)
qibot dev                        upgrade, load demo data, start the Agents Playground if npx exists, serve
qibot roles grant WHO ROLE       WHO is an AAD object id or Teams user id; ROLE coach|facilitator|lead|admin
qibot roles revoke WHO ROLE
qibot manifest build             write build/appPackage.zip
qibot forum faq-export [PATH]    write the forum's FAQ to PATH (default content/faq.yaml)
qibot forum faq-import [PATH]    add or update FAQ entries from PATH (default content/faq.yaml)
qibot headcount import FILE.csv  load staff headcount by month, site and staff group (counts only; all or nothing)
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

from bot.config import Config, ConfigError
from bot.demo_scale import cmd_demo_scale
from bot.logs import configure_logging
from bot.serve import cmd_dev, cmd_serve
from core.kernel.clock import SystemClock
from core.kernel.errors import DomainError

log = logging.getLogger("qibot")
ROOT = Path(__file__).resolve().parent.parent


def _config() -> Config:
    try:
        return Config.from_env()
    except ConfigError as problem:
        print(f"qibot: configuration problem: {problem}", file=sys.stderr)
        raise SystemExit(2) from None


async def _with_engine(config: Config, work):
    from storage.db import create_engine

    engine = create_engine(config.database_url)
    try:
        return await work(engine)
    finally:
        await engine.dispose()


def cmd_db_upgrade(config: Config, _args) -> int:
    from storage.migrate import head_revision, upgrade

    asyncio.run(_with_engine(config, upgrade))
    print(f"database is at migration {head_revision()}")
    return 0


def cmd_demo_load(config: Config, _args) -> int:
    from bot import registry
    from storage.demo import load_demo

    content = registry.load_content(config.content_dir)

    async def work(engine):
        async with registry.uow_factory(engine)() as uow:
            return await load_demo(uow, content, now=SystemClock().now(), content_dir=config.content_dir)

    created = asyncio.run(_with_engine(config, work))
    print(f"demo data loaded ({created} new people)")
    return 0


def cmd_clinics_sync(config: Config, _args) -> int:
    from bot import registry
    from core.clinics.sessions import sync_clinics

    content = registry.load_content(config.content_dir)

    async def work(engine):
        async with registry.uow_factory(engine)() as uow:
            report = await sync_clinics(uow, content=content, now=SystemClock().now())
            await uow.commit()
            return report

    report = asyncio.run(_with_engine(config, work))
    print(
        f"clinic sessions: {report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
        f"{report.kept} booked and left as they are"
    )
    for problem in report.problems:
        print(f"qibot: {problem}", file=sys.stderr)
    return 1 if report.problems else 0


def cmd_learning_report(config: Config, _args) -> int:
    from bot import registry
    from core.learning.report import learning_report
    from dialogs.learning.report import report_lines

    content = registry.load_content(config.content_dir)

    async def work(engine):
        async with registry.uow_factory(engine)() as uow:
            return await learning_report(uow, content=content, now=SystemClock().now())

    report = asyncio.run(_with_engine(config, work))
    print("\n".join(report_lines(report)))
    return 0


def cmd_projects_report(config: Config, args) -> int:
    from bot import registry
    from core.projects.reports import projects_report
    from dialogs.projects.exports import to_csv, to_text, to_xlsx

    content = registry.load_content(config.content_dir)

    async def work(engine):
        async with registry.uow_factory(engine)() as uow:
            return await projects_report(uow, content=content, now=SystemClock().now())

    report = asyncio.run(_with_engine(config, work))
    print(to_text(report))  # suppressed as on the admin card (core/projects/reports.py)
    for path, render in ((args.csv, to_csv), (args.xlsx, to_xlsx)):
        if path:
            Path(path).write_bytes(render(report, content))  # labels, not internal codes
            print(f"wrote {path}")
    return 0


def cmd_roles(config: Config, args) -> int:
    from bot import registry
    from core.kernel.roles import grant_role, revoke_role

    async def work(engine):
        async with registry.uow_factory(engine)() as uow:
            if args.action == "grant":
                user, changed = await grant_role(uow, who=args.who, role=args.role, now=SystemClock().now())
            else:
                user, changed = await revoke_role(uow, who=args.who, role=args.role)
            await uow.commit()
            return user, changed

    try:
        user, changed = asyncio.run(_with_engine(config, work))
    except DomainError as problem:
        print(f"qibot: {problem.message}", file=sys.stderr)
        return 1
    verb = "granted to" if args.action == "grant" else "revoked from"
    state = "" if changed else " (no change: it already was so)"
    print(f"{args.role} {verb} {user.name or user.teams_user_id}{state}")
    return 0


def cmd_surveys(config: Config, args) -> int:
    """`qibot surveys trigger WHO TRIGGER` (fire a survey trigger for a person) and `qibot surveys tick` (the
    micro-learning triggers, invitations and reminders once, as the scheduler runs them)."""
    from bot import registry
    from core.surveys.campaigns import trigger_for
    from core.surveys.ticks import TICKS

    content = registry.load_content(config.content_dir)
    messages = registry.messages(content, None, config)["surveys"]

    async def work(engine):
        async with registry.uow_factory(engine)() as uow:
            now = SystemClock().now()
            if args.action == "trigger":
                outcome = await trigger_for(uow, who=args.who, trigger=args.trigger, content=content, now=now)
                result = f"invited by {', '.join(outcome.invited) or 'nothing new'}"
            else:
                counts = [
                    f"{spec.name}: {await spec.work(uow, content=content, messages=messages, now=now)}"
                    for spec in TICKS
                ]
                result = "; ".join(counts)
            await uow.commit()
            return result

    try:
        print(asyncio.run(_with_engine(config, work)))
    except DomainError as problem:
        print(f"qibot: {problem.message}", file=sys.stderr)
        return 1
    return 0


def cmd_manifest_build(_settings: None, args) -> int:
    """Needs only the ids, not a runnable bot configuration (no password on a build machine)."""
    from dotenv import dotenv_values

    from manifest.build import build_package

    environ = {k: v for k, v in dotenv_values(".env").items() if v is not None} if Path(".env").is_file() else {}
    environ.update(os.environ)
    try:
        path = build_package(environ, Path(args.output))
    except ValueError as problem:
        print(f"qibot: {problem}", file=sys.stderr)
        return 1
    print(f"wrote {path}")
    return 0


def _faq_path(config: Config, args) -> Path:
    return Path(args.path) if args.path else (config.content_dir or ROOT / "content") / "faq.yaml"


def cmd_forum_faq_export(config: Config, args) -> int:
    from bot import registry
    from core.forum.faq import export_faq
    from storage.forum.content import write_faq_file

    async def work(engine):
        async with registry.uow_factory(engine)() as uow:
            return await export_faq(uow)

    entries = asyncio.run(_with_engine(config, work))
    path = _faq_path(config, args)
    write_faq_file(path, entries)
    print(f"wrote {len(entries)} FAQ entries to {path}")
    return 0


def cmd_forum_faq_import(config: Config, args) -> int:
    from bot import registry
    from core.forum.faq import import_faq
    from storage.content import ContentError
    from storage.forum.content import read_faq_file

    content = registry.load_content(config.content_dir)
    path = _faq_path(config, args)
    try:
        entries = read_faq_file(path, config.content_dir)
    except ContentError as problem:
        print(f"qibot: {problem}", file=sys.stderr)
        return 1

    async def work(engine):
        async with registry.uow_factory(engine)() as uow:
            counts = await import_faq(uow, entries=entries, content=content, now=SystemClock().now())
            await uow.commit()
            return counts

    try:
        added, updated = asyncio.run(_with_engine(config, work))
    except DomainError as problem:
        print(f"qibot: {problem.message}", file=sys.stderr)
        return 1
    print(f"FAQ imported from {path}: {added} added, {updated} updated")
    return 0


def cmd_headcount_import(config: Config, args) -> int:
    """Check the whole file first; one bad line refuses it and nothing changes (one transaction)."""
    from bot import registry
    from core.measures.headcount import import_headcount

    content = registry.load_content(config.content_dir)
    try:
        text = Path(args.file).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as problem:
        print(f"qibot: cannot read {args.file}: {getattr(problem, 'strerror', None) or problem}", file=sys.stderr)
        return 1

    async def work(engine):
        async with registry.uow_factory(engine)() as uow:
            summary = await import_headcount(uow, text=text, content=content, now=SystemClock().now())
            await uow.commit()
            return summary

    try:
        summary = asyncio.run(_with_engine(config, work))
    except DomainError as problem:
        print(f"qibot: {problem.message}", file=sys.stderr)
        return 1
    months = (
        f"{summary.months[0]:%Y-%m} to {summary.months[-1]:%Y-%m}"
        if len(summary.months) > 1
        else f"{summary.months[0]:%Y-%m}"
    )
    print(f"headcount imported: {summary.rows} rows for {months}; {summary.staff} staff in {summary.months[-1]:%Y-%m}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="qibot", description="QI Companion command line")
    sub = parser.add_subparsers(dest="group", required=True)
    db = sub.add_parser("db", help="database").add_subparsers(dest="action", required=True)
    db.add_parser("upgrade", help="apply migrations").set_defaults(run=cmd_db_upgrade)
    demo = sub.add_parser("demo", help="demo data").add_subparsers(dest="action", required=True)
    demo.add_parser("load", help="load demo data").set_defaults(run=cmd_demo_load)
    scale = demo.add_parser("scale", help="write a five-year synthetic trust into an empty database")
    scale.add_argument("--seed", type=int, default=16, help="the same seed gives the same trust (default 16)")
    scale.add_argument("--scale", type=float, default=1.0, help="1 = 15,000 staff, 500,000 reviews... (default 1)")
    scale.add_argument("--today", help="the day the five years end (default today); with the seed, fixes the data")
    scale.set_defaults(run=cmd_demo_scale)  # bot/demo_scale.py
    clinics = sub.add_parser("clinics", help="QI clinics").add_subparsers(dest="action", required=True)
    clinics.add_parser("sync", help="create sessions from content/clinics.yaml").set_defaults(run=cmd_clinics_sync)
    learning = sub.add_parser("learning", help="micro-learning").add_subparsers(dest="action", required=True)
    learning.add_parser("report", help="question and completion report for the faculty").set_defaults(
        run=cmd_learning_report
    )
    projects = sub.add_parser("projects", help="QI projects").add_subparsers(dest="action", required=True)
    report = projects.add_parser("report", help="registrations per month, by site, division, status; exports")
    report.add_argument("--csv", help="also write the projects as CSV to this file")
    report.add_argument("--xlsx", help="also write the projects as XLSX to this file")
    report.set_defaults(run=cmd_projects_report)
    forum = sub.add_parser("forum", help="the forum").add_subparsers(dest="action", required=True)
    for action, run, what in (
        ("faq-export", cmd_forum_faq_export, "write the FAQ to a YAML file"),
        ("faq-import", cmd_forum_faq_import, "add or update FAQ entries from a YAML file"),
    ):
        faq = forum.add_parser(action, help=what)
        faq.add_argument("path", nargs="?", help="the FAQ file (default content/faq.yaml)")
        faq.set_defaults(run=run)
    surveys = sub.add_parser("surveys", help="surveys").add_subparsers(dest="action", required=True)
    fire = surveys.add_parser("trigger", help="fire a survey trigger for one person")
    fire.add_argument("who", help="AAD object id or Teams user id")
    fire.add_argument("trigger", help="course_registered, course_date_attended, course_attended, celebration_day, ...")
    fire.set_defaults(run=cmd_surveys)
    surveys.add_parser("tick", help="run the survey triggers, invitations and reminders once").set_defaults(
        run=cmd_surveys
    )
    headcount = sub.add_parser("headcount", help="staff headcount (the measures' denominators)").add_subparsers(
        dest="action", required=True
    )
    load = headcount.add_parser("import", help="load a CSV of month, site, staff_group, headcount (counts only)")
    load.add_argument("file", help="the CSV file")
    load.set_defaults(run=cmd_headcount_import)
    sub.add_parser("serve", help="run the bot").set_defaults(run=cmd_serve)
    sub.add_parser("dev", help="what make run does").set_defaults(run=cmd_dev)
    roles = sub.add_parser("roles", help="grant or revoke roles").add_subparsers(dest="action", required=True)
    for action in ("grant", "revoke"):
        p = roles.add_parser(action)
        p.add_argument("who", help="AAD object id or Teams user id")
        p.add_argument("role", help="coach, facilitator, lead (programme lead) or admin")
        p.set_defaults(run=cmd_roles)
    manifest = sub.add_parser("manifest", help="Teams app package").add_subparsers(dest="action", required=True)
    build = manifest.add_parser("build")
    build.add_argument("--output", default="build/appPackage.zip")
    build.set_defaults(run=cmd_manifest_build, needs_settings=False)
    args = parser.parse_args(argv)
    if not getattr(args, "needs_settings", True):
        return args.run(None, args)
    config = _config()
    configure_logging(config.log_format, config.log_level)
    try:
        return args.run(config, args)
    except KeyboardInterrupt:  # Ctrl-C before the server's own signal handling is in place (start-up)
        print("qibot: stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
