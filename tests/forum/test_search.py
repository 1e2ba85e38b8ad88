"""Full-text ranking in the database, on SQLite (FTS5, bm25) and PostgreSQL (tsvector, ts_rank, English): on a
fixed corpus (the seed FAQ and some answered questions) the obvious match comes first; search follows edits and
withdrawals, and only answered questions are found."""

from pathlib import Path

import pytest

from core.forum import asking, faq
from core.forum.model import PostKind, PostStatus
from core.kernel.contacts import record_contact
from storage.forum.content import read_faq_file
from tests.fakes import teams_address
from tests.forum.data import NOW

SEED = Path(__file__).resolve().parents[2] / "content" / "faq.yaml"
QUESTIONS = {
    "falls": "How do I measure falls with harm on a ward each week?",
    "huddle": "What should we talk about in a daily safety huddle?",
    "sepsis": "Who should be on the team for a sepsis screening project?",
}


async def corpus(uow_factory, content):
    async with uow_factory() as uow:
        user = (await record_contact(uow, address=teams_address(1), now=NOW)).user
        await faq.import_faq(uow, entries=read_faq_file(SEED), content=content, now=NOW)
        ids = {}
        for key, text in QUESTIONS.items():
            post = await uow.forum.add_post(
                kind=PostKind.QUESTION,
                user_id=user.id,
                text=text,
                topic="other",
                site="basildon",
                project_id=None,
                show_name=False,
                status=PostStatus.OPEN,
                now=NOW,
            )
            await uow.forum.add_reply(
                post_id=post.id,
                user_id=user.id,
                author_name="Coach",
                from_asker=False,
                text=f"Answer about {key}",
                source="chat",
                activity_id=None,
                now=NOW,
            )
            await uow.forum.mark_answered(post.id, now=NOW)
            ids[key] = post.id
        await uow.commit()
    return ids


def slug_of(entries, hit):
    return next(e.slug for e in entries if e.id == hit.ref_id)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("How many data points do I need before reading a run chart?", ("faq", "run-chart-how-many-points")),
        ("Should I use an SPC chart or an XmR control chart?", ("faq", "run-chart-or-spc")),
        ("Is this audit, research or QI? Do I need ethics approval?", ("faq", "audit-or-qi")),
        ("How small should a PDSA test of change be?", ("faq", "pdsa-how-small")),
        ("My colleagues resist the change: how do I get buy-in?", ("faq", "stakeholders-engage")),
        ("Measuring falls with harm weekly on my ward", ("post", "falls")),
        ("Topics for our daily huddles", ("post", "huddle")),
    ],
)
async def test_the_obvious_match_comes_first(uow_factory, content, query, expected):
    ids = await corpus(uow_factory, content)
    async with uow_factory() as uow:
        hits = await uow.forum.search(asking.search_words(query), limit=3)
        entries = await uow.forum.faq_entries()
    assert hits, query
    top = hits[0]
    got = (top.kind, slug_of(entries, top) if top.kind == "faq" else next(k for k, v in ids.items() if v == top.ref_id))
    assert got == expected, [(h.kind, h.ref_id, h.score) for h in hits]
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


async def test_only_answered_questions_are_found_and_withdrawn_ones_leave(uow_factory, content):
    ids = await corpus(uow_factory, content)
    async with uow_factory() as uow:
        user = (await record_contact(uow, address=teams_address(2), now=NOW)).user
        await uow.forum.add_post(
            kind=PostKind.QUESTION,
            user_id=user.id,
            text="Sepsis sepsis sepsis screening team",
            topic="other",
            site=None,
            project_id=None,
            show_name=False,
            status=PostStatus.DRAFT,
            now=NOW,
        )
        hits = await uow.forum.search(["sepsis"], limit=5)
        assert [(h.kind, h.ref_id) for h in hits] == [("post", ids["sepsis"])]  # the draft is not found
        await uow.forum.withdraw(ids["sepsis"], now=NOW)
        assert await uow.forum.search(["sepsis"], limit=5) == []
        assert await uow.forum.search(["sepsis"], limit=5, faq_only=True) == []
        await uow.commit()


async def test_an_edited_faq_entry_is_found_by_its_new_words(uow_factory, content):
    await corpus(uow_factory, content)
    async with uow_factory() as uow:
        assert await uow.forum.search(["kanban"], limit=3) == []
        changed = faq.FaqImport("process-map", "tools", "Where do I start with a kanban board?", "Draw three columns.")
        await faq.import_faq(uow, entries=[changed], content=content, now=NOW)
        [hit] = await uow.forum.search(["kanban"], limit=3)
        entries = await uow.forum.faq_entries()
        assert slug_of(entries, hit) == "process-map"
        assert await uow.forum.search(["sticky"], limit=3) == []  # its old answer's words are gone
        await uow.commit()


async def test_words_that_look_like_query_syntax_are_just_words(uow_factory, content):
    await corpus(uow_factory, content)
    async with uow_factory() as uow:
        for text in ('run" OR chart', "NOT NEAR(chart)", "-chart | ! & :*", "chart*"):
            await uow.forum.search(asking.search_words(text), limit=3)  # no syntax error on either database
        await uow.commit()
