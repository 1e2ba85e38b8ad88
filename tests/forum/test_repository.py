"""The forum on SQLite and PostgreSQL: the whole question loop through the services, and the guards that make
each action happen once under concurrency (30 presses, deliveries or ticks at once have the effect of one)."""

import asyncio
from dataclasses import replace
from datetime import timedelta

from core.forum import asking, escalation, stories, threads
from core.forum.commands import ChannelPlace, QuestionDraft
from core.forum.model import PostStatus
from core.forum.services import adopt_threads, thread_key
from core.kernel.contacts import record_contact
from core.kernel.model import Role
from core.projects.commands import Evaluation
from core.projects.model import ProjectStatus
from dialogs.forum.messages import ForumCards
from storage.forum.content import read_faq_file, write_faq_file
from tests.fakes import teams_address
from tests.forum.data import CHANNEL, GROUP, NOW, TEAM, channel_address, messages

COPIES = 30


async def people(uow_factory, content):
    """Asker (1), coach (2), admin (3) who links the coaches' channel, all known to the bot."""
    async with uow_factory() as uow:
        found = {}
        for n, role in ((1, None), (2, Role.COACH), (3, Role.ADMIN)):
            user = (await record_contact(uow, address=replace(teams_address(n), user_name=f"Person {n}"), now=NOW)).user
            await uow.users.save_profile(user.id, site="basildon", staff_group="ahp", experience="none", now=NOW)
            if role:
                await uow.users.grant_role(user.id, role, now=NOW)
            found[n] = await uow.users.get(user.id)
        root = f"{CHANNEL};messageid=1700000000003"
        await record_contact(uow, address=channel_address(3, root), now=NOW)
        await threads.link_channel(
            uow,
            user=found[3],
            place=ChannelPlace(root, CHANNEL, TEAM, GROUP),
            kind="coaches",
            scope="all",
            content=content,
            now=NOW,
        )
        await uow.commit()
    return found


async def draft(uow_factory, content, asker, text="How do I read a run chart with 12 points?"):
    async with uow_factory() as uow:
        checked = await asking.check_question(
            uow,
            user=asker,
            draft=QuestionDraft(text=text, topic="measurement", project_id=None, show_name=False),
            content=content,
            now=NOW,
        )
        await uow.commit()
    return checked.draft


async def post(uow_factory, content, asker, draft_id):
    async with uow_factory() as uow:
        posted = await asking.post_question(
            uow, user=asker, draft_id=draft_id, content=content, messages=messages(content), now=NOW
        )
        await uow.commit()
    return posted


async def sent(uow_factory, post_id) -> str:
    thread = f"{CHANNEL};messageid=17000009{post_id:05d}"
    async with uow_factory() as uow:
        [item] = [i for i in await uow.outbox.claim_due(now=NOW, limit=50, lease_seconds=60) if i.message.new_thread]
        await uow.outbox.mark_sent(item.id, now=NOW, started_conversation=thread)
        await uow.commit()
    return thread


async def pending(uow_factory):
    async with uow_factory() as uow:
        return await uow.outbox.status_counts()


async def test_the_question_loop_on_the_database(uow_factory, content):
    who = await people(uow_factory, content)
    asker, coach = who[1], who[2]
    d = await draft(uow_factory, content, asker)
    posted = await post(uow_factory, content, asker, d.id)
    assert posted.to_channel and posted.post.status == PostStatus.OPEN
    thread = await sent(uow_factory, posted.post.id)
    async with uow_factory() as uow:
        assert await threads.follows(uow, thread)
        found = await threads.thread_post(uow, thread, now=NOW)
        assert found.id == posted.post.id and found.thread_conversation == thread
        reply = await threads.reply_in_thread(
            uow,
            user=coach,
            post=found,
            text="Use the median line.",
            activity_id="17000100",
            content=content,
            messages=messages(content),
            now=NOW,
        )
        assert reply is not None
        await uow.commit()
    async with uow_factory() as uow:
        relayed = await uow.outbox.claim_due(now=NOW, limit=50, lease_seconds=60)
        personal = await uow.addresses.personal(asker.id)
        [to_asker] = [i for i in relayed if i.address_id == personal.id]
        assert "Use the median line." in str(to_asker.message.card)
        done = await asking.get_post(uow, posted.post.id)
        assert done.status == PostStatus.ANSWERED and done.first_answer_at == NOW
        await uow.commit()


async def test_thirty_presses_of_post_start_one_thread(uow_factory, content):
    who = await people(uow_factory, content)
    d = await draft(uow_factory, content, who[1])
    results = await asyncio.gather(*(post(uow_factory, content, who[1], d.id) for _ in range(COPIES)))
    assert sum(not r.already for r in results) == 1
    async with uow_factory() as uow:
        rows = [i for i in await uow.outbox.claim_due(now=NOW, limit=100, lease_seconds=60)]
        assert [i.dedupe_key for i in rows] == [thread_key(results[0].post)]
        await uow.commit()


async def test_thirty_presses_of_this_answers_it_record_it_once(uow_factory, content):
    who = await people(uow_factory, content)
    async with uow_factory() as uow:
        entry = await uow.forum.add_faq(
            slug="x",
            question="Run charts",
            answer="Ten points.",
            topic="measurement",
            keywords="",
            source_post_id=None,
            user_id=None,
            now=NOW,
        )
        await uow.commit()
    d = await draft(uow_factory, content, who[1])

    async def press():
        async with uow_factory() as uow:
            done = await asking.this_answers_it(uow, user=who[1], draft_id=d.id, kind="faq", ref_id=entry.id, now=NOW)
            await uow.commit()
            return done

    assert sum(await asyncio.gather(*(press() for _ in range(COPIES)))) == 1
    async with uow_factory() as uow:
        assert await uow.forum.answer_counts(faq_ids=[entry.id], post_ids=[]) == {("faq", entry.id): 1}


async def test_a_reply_delivered_thirty_times_is_recorded_and_relayed_once(uow_factory, content):
    who = await people(uow_factory, content)
    d = await draft(uow_factory, content, who[1])
    posted = await post(uow_factory, content, who[1], d.id)
    thread = await sent(uow_factory, posted.post.id)
    async with uow_factory() as uow:
        await adopt_threads(uow, now=NOW)
        await uow.commit()

    async def deliver():
        async with uow_factory() as uow:
            found = await threads.thread_post(uow, thread, now=NOW)
            await threads.reply_in_thread(
                uow,
                user=who[2],
                post=found,
                text="One answer.",
                activity_id="1700000777",
                content=content,
                messages=messages(content),
                now=NOW,
            )
            await uow.commit()

    await asyncio.gather(*(deliver() for _ in range(COPIES)), return_exceptions=False)
    async with uow_factory() as uow:
        assert len(await uow.forum.replies(posted.post.id)) == 1
        assert (await uow.outbox.status_counts()).get("pending") == 1  # the one relayed reply


async def test_thirty_escalation_ticks_at_once_remind_each_coach_once(uow_factory, content):
    who = await people(uow_factory, content)
    d = await draft(uow_factory, content, who[1])
    posted = await post(uow_factory, content, who[1], d.id)
    await sent(uow_factory, posted.post.id)
    later = NOW + timedelta(days=2)  # Friday 10:00: two working days on

    async def run():
        async with uow_factory() as uow:
            queued = await escalation.escalate(uow, content=content, messages=messages(content), now=later)
            await uow.commit()
            return queued

    assert sum(await asyncio.gather(*(run() for _ in range(COPIES)))) == 2  # the coach, and the asker
    async with uow_factory() as uow:
        assert (await asking.get_post(uow, posted.post.id)).escalation == 1


async def test_a_story_is_shared_once_to_the_community_channel(uow_factory, content):
    who = await people(uow_factory, content)
    lead, admin = who[1], who[3]
    async with uow_factory() as uow:
        project = await uow.projects.create_draft(lead.id, now=NOW)
        await uow.projects.set_measures(
            project.id, [("process", "Rounds done", "Share of rounds signed"), ("outcome", "Falls", "Falls a week")]
        )
        await uow.projects.mark_submitted(project.id, now=NOW)
        await uow.projects.mark_approved(project.id, by=admin.id, comment=None, now=NOW)
        outcome = next(m for m in (await uow.projects.get(project.id)).measures if m.kind == "outcome")
        for week, falls in enumerate((8, 6, 5)):
            await uow.projects.add_point(outcome.id, on=NOW.date() - timedelta(weeks=3 - week), value=falls, now=NOW)
        await uow.projects.mark_closed(project.id, ProjectStatus.COMPLETED, now=NOW)
        await uow.projects.save_evaluation(
            project.id,
            Evaluation(
                results="Falls halved", decision="adopt", sustain="Audit monthly", spread=None, lessons="Start small"
            ),
            now=NOW,
        )
        root = "19:community@thread.tacv2;messageid=1700000000099"
        await record_contact(uow, address=channel_address(3, root), now=NOW)
        await threads.link_channel(
            uow,
            user=admin,
            place=ChannelPlace(root, "19:community@thread.tacv2", TEAM, GROUP),
            kind="community",
            scope="all",
            content=content,
            now=NOW,
        )
        assert await stories.offer_stories(uow, content=content, messages=messages(content), now=NOW) == 1
        await uow.commit()

    def chart_link(measure, points, viewer, now):
        return f"https://bot.example/charts/{measure.id}-{len(points)}-{viewer}.png"

    async def share():
        async with uow_factory() as uow:
            done = await stories.share_story(
                uow,
                user=lead,
                project_id=project.id,
                content=content,
                messages=ForumCards(content, chart_link),
                now=NOW,
            )
            await uow.commit()
            return done

    results = await asyncio.gather(*(share() for _ in range(COPIES)))
    assert sum(not r.already for r in results) == 1
    async with uow_factory() as uow:
        items = await uow.outbox.claim_due(now=NOW, limit=100, lease_seconds=60)
        [story] = [i for i in items if i.message.new_thread]
        card = str(story.message.card)
        assert "Falls halved" in card and "Start small" in card and "Adopted" in card
        [image] = [b for b in story.message.card["body"] if b["type"] == "Image"]  # the outcome measure's chart
        assert image["url"] == f"https://bot.example/charts/{outcome.id}-3-{lead.id}.png"
        assert image["altText"] == "Falls: chart of 3 points"
        address = await uow.addresses.get(story.address_id)
        assert address.address.conversation_id == "19:community@thread.tacv2"
        assert await stories.offer_stories(uow, content=content, messages=messages(content), now=NOW) == 0


async def test_the_faq_file_round_trips_through_the_database(uow_factory, content, tmp_path):
    from core.forum import faq

    seed = read_faq_file(content_dir_faq())
    async with uow_factory() as uow:
        assert await faq.import_faq(uow, entries=seed, content=content, now=NOW) == (len(seed), 0)
        out = tmp_path / "faq.yaml"
        write_faq_file(out, await faq.export_faq(uow))
        again = read_faq_file(out, content_dir_faq().parent)
        assert again == seed
        assert await faq.import_faq(uow, entries=again, content=content, now=NOW) == (0, len(seed))
        await uow.commit()


def content_dir_faq():
    from pathlib import Path

    return Path(__file__).resolve().parents[2] / "content" / "faq.yaml"
