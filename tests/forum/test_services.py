"""The forum's services on fakes: the duplicate check, posting, "this answers it", threads and relayed replies,
anonymity, answering, closing, withdrawing, the FAQ. Refused actions change nothing (the fake database is
compared before and after)."""

import copy

import pytest

from core.forum import asking, closing, faq, threads
from core.forum.commands import FaqDraft, InvalidAnswer, QuestionDraft
from core.forum.model import PostStatus
from core.forum.services import adopt_threads, asker_label, thread_key
from core.kernel.errors import DomainError, InvalidInput, NotAllowed
from core.kernel.model import Role
from tests.fakes import FakeUnitOfWork
from tests.forum.data import (
    CHANNEL,
    NOW,
    ask,
    ask_and_post,
    link,
    messages,
    person,
    queued,
    queued_to,
    thread_of,
    thread_sent,
)

RUN_CHART = "How many data points do I need before I can read my run chart?"


@pytest.fixture
def uow():
    return FakeUnitOfWork()


def snapshot(uow):
    return copy.deepcopy({k: v for k, v in uow.db.__dict__.items() if k != "ids"})


async def world(uow, content, *, show_name=False):
    """An asker at Basildon, a coach, an admin who linked the coaches' channel for all sites."""
    asker = await person(uow, 1, name="Sam Patel")
    coach = await person(uow, 2, roles=(Role.COACH,), name="Amira Shah")
    admin = await person(uow, 3, roles=(Role.ADMIN,), name="Dee Admin")
    channel = await link(uow, content, admin, 3)
    return asker, coach, admin, channel


async def answered_question(uow, content, asker, coach, text=RUN_CHART):
    post = await ask_and_post(uow, content, asker, text)
    await thread_sent(uow, post)
    post = await threads.thread_post(uow, thread_of(post), now=NOW)
    await threads.reply_in_thread(
        uow,
        user=coach,
        post=post,
        text="Wait for 10 points, ideally 20.",
        activity_id="1700000001",
        content=content,
        messages=messages(content),
        now=NOW,
    )
    return await uow.forum.get_post(post.id)


# --- ask and the duplicate check --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("draft", "field", "message"),
    [
        (dict(text="   "), "question", "Please add your question."),
        (dict(text="x" * 1001), "question", "Please keep your question to 1000 characters (it is 1001)."),
        (dict(text="how do I?"), "question", "Please say a little more"),
        (dict(topic="gossip"), "topic", "Please choose a topic."),
        (dict(project_id=999), "project", "not one of yours"),
    ],
)
async def test_a_bad_question_is_refused_by_its_field_and_nothing_is_stored(uow, content, draft, field, message):
    asker, *_ = await world(uow, content)
    before = snapshot(uow)
    values = dict(text=RUN_CHART, topic="measurement", project_id=None, show_name=False) | draft
    with pytest.raises(InvalidAnswer) as refused:
        await asking.check_question(uow, user=asker, draft=QuestionDraft(**values), content=content, now=NOW)
    assert refused.value.field == field and message in refused.value.message
    assert snapshot(uow) == before


async def test_the_check_suggests_answered_questions_and_faq_entries_only(uow, content):
    asker, coach, *_ = await world(uow, content)
    other = await person(uow, 4)
    await answered_question(uow, content, other, coach)
    await ask_and_post(uow, content, other, "Is there a run chart template with points already?")  # open: not shown
    await uow.forum.add_faq(
        slug="run-chart",
        question="Reading a run chart",
        answer="Use the four rules.",
        topic="measurement",
        keywords="run chart points",
        source_post_id=None,
        user_id=None,
        now=NOW,
    )
    await uow.forum.add_faq(
        slug="pdsa",
        question="PDSA cycles",
        answer="Start small.",
        topic="pdsa",
        keywords="",
        source_post_id=None,
        user_id=None,
        now=NOW,
    )
    checked = await ask(uow, content, asker, "Run chart: how many points before the rules work?")
    assert checked.draft.status == PostStatus.DRAFT
    found = {(s.kind, s.question) for s in checked.suggestions}
    assert found == {("post", RUN_CHART), ("faq", "Reading a run chart")}
    answer = next(s.answer for s in checked.suggestions if s.kind == "post")
    assert answer == "Wait for 10 points, ideally 20."
    assert not queued(uow, thread_key(checked.draft)), "nothing is posted before the person decides"


async def test_posting_starts_one_thread_in_the_channel_for_the_askers_site(uow, content):
    asker, coach, admin, everyone = await world(uow, content)
    basildon = await link(uow, content, admin, 3, scope="basildon", channel="19:basildon@thread.tacv2")
    post = await ask_and_post(uow, content, asker, RUN_CHART)
    assert post.status == PostStatus.OPEN and post.channel_id == basildon.id != everyone.id
    [row] = queued(uow, thread_key(post))
    assert row["address_id"] == basildon.address_id and row["message"].new_thread
    assert uow.db.addresses[row["address_id"]].address.conversation_id == "19:basildon@thread.tacv2"
    again = await asking.post_question(
        uow, user=asker, draft_id=post.id, content=content, messages=messages(content), now=NOW
    )
    assert again.already and len(queued(uow, thread_key(post))) == 1


async def test_without_a_linked_channel_the_question_waits_in_the_queue(uow, content):
    asker = await person(uow, 1)
    checked = await ask(uow, content, asker, RUN_CHART)
    posted = await asking.post_question(
        uow, user=asker, draft_id=checked.draft.id, content=content, messages=messages(content), now=NOW
    )
    assert posted.post.status == PostStatus.OPEN and not posted.to_channel and not queued(uow)


async def test_this_answers_it_is_recorded_once_and_counted_for_that_answer(uow, content):
    asker, coach, *_ = await world(uow, content)
    answered = await answered_question(uow, content, await person(uow, 4), coach)
    checked = await ask(uow, content, asker, "How many run chart points?")
    assert await asking.this_answers_it(
        uow, user=asker, draft_id=checked.draft.id, kind="post", ref_id=answered.id, now=NOW
    )
    assert not await asking.this_answers_it(
        uow, user=asker, draft_id=checked.draft.id, kind="post", ref_id=answered.id, now=NOW
    )
    assert await uow.forum.answer_counts(faq_ids=[], post_ids=[answered.id]) == {("post", answered.id): 1}
    posted = await asking.post_question(
        uow, user=asker, draft_id=checked.draft.id, content=content, messages=messages(content), now=NOW
    )
    assert posted.already and posted.post.status == PostStatus.RESOLVED


async def test_someone_elses_draft_cannot_be_posted_or_resolved(uow, content):
    asker, coach, *_ = await world(uow, content)
    intruder = await person(uow, 5)
    answered = await answered_question(uow, content, await person(uow, 4), coach)
    checked = await ask(uow, content, asker, RUN_CHART)
    before = snapshot(uow)
    with pytest.raises(NotAllowed):
        await asking.post_question(
            uow, user=intruder, draft_id=checked.draft.id, content=content, messages=messages(content), now=NOW
        )
    with pytest.raises(NotAllowed):
        await asking.this_answers_it(
            uow, user=intruder, draft_id=checked.draft.id, kind="post", ref_id=answered.id, now=NOW
        )
    assert snapshot(uow) == before


# --- threads, relayed replies and anonymity ----------------------------------------------------------------------


async def test_the_thread_card_shows_a_colleague_at_the_site_unless_the_asker_chose_their_name(uow, content):
    asker, coach, *_ = await world(uow, content)
    hidden = await ask_and_post(uow, content, asker, RUN_CHART)
    shown = await ask_and_post(uow, content, asker, "Which chart shows a shift best?", show_name=True)
    card_of = {r["dedupe_key"]: str(r["message"].card) for r in queued(uow, "forum:post:")}
    assert "a colleague at Basildon University Hospital" in card_of[thread_key(hidden)]
    assert "Sam Patel" not in card_of[thread_key(hidden)]
    assert "Sam Patel" in card_of[thread_key(shown)]
    peer = await person(uow, 6)
    assert asker_label(hidden, content, viewer=peer) == "a colleague at Basildon University Hospital"
    assert asker_label(hidden, content, viewer=coach) == "Sam Patel"  # coaches always see who asked
    assert asker_label(hidden, content, viewer=asker) == "Sam Patel"


async def test_a_coach_reply_in_the_thread_is_recorded_once_and_relayed_to_the_asker(uow, content):
    asker, coach, *_ = await world(uow, content)
    post = await ask_and_post(uow, content, asker, RUN_CHART)
    thread = await thread_sent(uow, post)
    assert await threads.follows(uow, thread)  # sent, not yet recorded: still followed
    assert await adopt_threads(uow, now=NOW) == 1
    post = await uow.forum.get_post(post.id)
    assert post.thread_conversation == thread and post.root_activity == thread.split("=")[1]
    assert uow.db.addresses[post.thread_address_id].address.conversation_id == thread
    for _ in range(2):  # Teams may deliver the same message twice
        await threads.reply_in_thread(
            uow,
            user=coach,
            post=post,
            text="Wait for 10 points.",
            activity_id="1700000005",
            content=content,
            messages=messages(content),
            now=NOW,
        )
    [reply] = await uow.forum.replies(post.id)
    assert reply.author_name == "Amira Shah" and not reply.from_asker
    [relayed] = queued_to(uow, asker.id)
    text = str(relayed["message"].card)
    assert "Amira Shah" in text and "Wait for 10 points." in text and "Open the thread" in text
    assert f"l/message/{CHANNEL}/{post.root_activity}" in text
    answered = await uow.forum.get_post(post.id)
    assert answered.status == PostStatus.ANSWERED and answered.first_answer_at == NOW


async def test_the_askers_own_reply_and_a_withdrawn_question_are_not_relayed(uow, content):
    asker, coach, *_ = await world(uow, content)
    post = await ask_and_post(uow, content, asker, RUN_CHART)
    await thread_sent(uow, post)
    post = await threads.thread_post(uow, thread_of(post), now=NOW)
    await threads.reply_in_thread(
        uow,
        user=asker,
        post=post,
        text="Any ideas?",
        activity_id="1",
        content=content,
        messages=messages(content),
        now=NOW,
    )
    assert not queued_to(uow, asker.id) and (await uow.forum.get_post(post.id)).first_answer_at is None
    await threads.withdraw(uow, user=asker, post_id=post.id, messages=messages(content), now=NOW)
    withdrawn = await uow.forum.get_post(post.id)
    assert (
        await threads.reply_in_thread(
            uow,
            user=coach,
            post=withdrawn,
            text="Late reply",
            activity_id="2",
            content=content,
            messages=messages(content),
            now=NOW,
        )
        is None
    )
    assert not queued_to(uow, asker.id)


async def test_a_message_in_no_posts_thread_is_not_followed(uow, content):
    await world(uow, content)
    assert not await threads.follows(uow, f"{CHANNEL};messageid=1234")
    assert await threads.thread_post(uow, f"{CHANNEL};messageid=1234", now=NOW) is None


async def test_a_coach_answers_from_the_thread_card_and_it_reaches_the_asker_and_the_thread(uow, content):
    asker, coach, *_ = await world(uow, content)
    post = await ask_and_post(uow, content, asker, RUN_CHART)
    thread = await thread_sent(uow, post)
    await adopt_threads(uow, now=NOW)
    await threads.answer(
        uow,
        user=coach,
        post_id=post.id,
        text="Twenty points is plenty.",
        in_conversation=thread,
        content=content,
        messages=messages(content),
        now=NOW,
    )
    post = await uow.forum.get_post(post.id)
    [to_asker] = queued_to(uow, asker.id)
    [in_thread] = [r for r in queued(uow) if r["address_id"] == post.thread_address_id]
    assert "Twenty points is plenty." in str(to_asker["message"].card) and "Amira Shah" in str(
        in_thread["message"].card
    )


async def test_a_card_from_another_thread_or_a_non_coach_cannot_answer(uow, content):
    asker, coach, *_ = await world(uow, content)
    post = await ask_and_post(uow, content, asker, RUN_CHART)
    other = await ask_and_post(uow, content, asker, "How do I draw a driver diagram?", topic="aims")
    for p in (post, other):
        await thread_sent(uow, p)
    await adopt_threads(uow, now=NOW)
    peer = await person(uow, 7)
    before = snapshot(uow)
    with pytest.raises(NotAllowed):  # the card says one question, the thread is another's
        await threads.answer(
            uow,
            user=coach,
            post_id=post.id,
            text="x",
            in_conversation=thread_of(other),
            content=content,
            messages=messages(content),
            now=NOW,
        )
    with pytest.raises(NotAllowed):
        await threads.answer(
            uow,
            user=peer,
            post_id=post.id,
            text="x",
            in_conversation=None,
            content=content,
            messages=messages(content),
            now=NOW,
        )
    assert snapshot(uow) == before


async def test_the_askers_reply_from_chat_goes_into_the_thread(uow, content):
    asker, coach, *_ = await world(uow, content)
    post = await answered_question(uow, content, asker, coach)
    reply, sent = await threads.reply_from_chat(
        uow,
        user=asker,
        post_id=post.id,
        text="Thanks, and for weekly data?",
        content=content,
        messages=messages(content),
        now=NOW,
    )
    assert sent and reply.from_asker
    [row] = [r for r in queued(uow) if r["address_id"] == post.thread_address_id]
    card = str(row["message"].card)
    assert "Thanks, and for weekly data?" in card and "Sam Patel" not in card  # they chose not to show their name


# --- close, helpful, withdraw -------------------------------------------------------------------------------------


async def test_close_records_the_outcome_once_and_notes_it_in_the_thread(uow, content):
    asker, coach, *_ = await world(uow, content)
    post = await answered_question(uow, content, asker, coach)
    with pytest.raises(InvalidInput):
        await closing.close_question(
            uow, user=asker, post_id=post.id, outcome="maybe", messages=messages(content), now=NOW
        )
    assert await closing.close_question(
        uow, user=asker, post_id=post.id, outcome="partly", messages=messages(content), now=NOW
    )
    assert not await closing.close_question(
        uow, user=asker, post_id=post.id, outcome="yes", messages=messages(content), now=NOW
    )
    closed = await uow.forum.get_post(post.id)
    assert (closed.status, closed.outcome) == (PostStatus.CLOSED, "partly")
    [note] = queued(uow, f"forum:post:{post.id}:closed")
    assert "partly answered" in note["message"].text


async def test_only_the_asker_marks_a_reply_helpful_or_closes(uow, content):
    asker, coach, *_ = await world(uow, content)
    post = await answered_question(uow, content, asker, coach)
    [reply] = await uow.forum.replies(post.id)
    intruder = await person(uow, 8)
    before = snapshot(uow)
    with pytest.raises(NotAllowed):
        await closing.mark_helpful(uow, user=intruder, reply_id=reply.id)
    with pytest.raises(NotAllowed):
        await closing.close_question(
            uow, user=intruder, post_id=post.id, outcome="yes", messages=messages(content), now=NOW
        )
    with pytest.raises(NotAllowed):
        await threads.withdraw(uow, user=intruder, post_id=post.id, messages=messages(content), now=NOW)
    assert snapshot(uow) == before
    assert await closing.mark_helpful(uow, user=asker, reply_id=reply.id) == (True, post.id)
    assert await closing.mark_helpful(uow, user=asker, reply_id=reply.id) == (False, post.id)


async def test_withdrawing_removes_the_text_and_edits_the_thread_card(uow, content):
    asker, coach, *_ = await world(uow, content)
    post = await answered_question(uow, content, asker, coach)
    assert await threads.withdraw(uow, user=asker, post_id=post.id, messages=messages(content), now=NOW)
    gone = await uow.forum.get_post(post.id)
    assert gone.status == PostStatus.WITHDRAWN and gone.text == ""
    [update] = queued(uow, f"forum:post:{post.id}:withdrawn")
    assert update["message"].replaces == post.root_activity and update["address_id"] == post.thread_address_id
    assert "withdrawn" in str(update["message"].card)
    assert not (await ask(uow, content, await person(uow, 9), RUN_CHART)).suggestions  # out of search
    with pytest.raises(DomainError):  # and out of the FAQ candidates
        await faq.promotion_draft(uow, user=coach, post_id=post.id)


async def test_withdrawing_before_the_thread_is_sent_cancels_it(uow, content):
    asker, *_ = await world(uow, content)
    post = await ask_and_post(uow, content, asker, RUN_CHART)
    await threads.withdraw(uow, user=asker, post_id=post.id, messages=messages(content), now=NOW)
    [row] = [r for r in uow.db.outbox.values() if r["dedupe_key"] == thread_key(post)]
    assert row["status"] == "cancelled" and not queued(uow, f"forum:post:{post.id}:withdrawn")


# --- FAQ ------------------------------------------------------------------------------------------------------------


async def test_a_coach_promotes_an_edited_answer_and_faq_finds_it(uow, content):
    asker, coach, *_ = await world(uow, content)
    post = await answered_question(uow, content, asker, coach)
    draft = await faq.promotion_draft(uow, user=coach, post_id=post.id)
    assert (draft.question, draft.answer) == (RUN_CHART, "Wait for 10 points, ideally 20.")
    with pytest.raises(NotAllowed):
        await faq.promotion_draft(uow, user=asker, post_id=post.id)
    with pytest.raises(InvalidAnswer) as refused:
        await faq.promote(
            uow, user=coach, post_id=post.id, draft=FaqDraft("", "a", "measurement", ""), content=content, now=NOW
        )
    assert refused.value.field == "question"
    entry = await faq.promote(
        uow,
        user=coach,
        post_id=post.id,
        content=content,
        now=NOW,
        draft=FaqDraft("How many points for a run chart?", "At least 10; 20 is better.", "measurement", "baseline"),
    )
    assert entry.slug == f"faq-{entry.id}" and entry.source_post_id == post.id
    found = await faq.search_faq(uow, text="baseline", content=content)
    assert [f.question for f in found] == ["How many points for a run chart?"]


async def test_faq_import_adds_new_slugs_and_updates_known_ones(uow, content):
    entries = [faq.FaqImport("a-one", "aims", "Q1", "A1"), faq.FaqImport("b-two", "pdsa", "Q2", "A2")]
    assert await faq.import_faq(uow, entries=entries, content=content, now=NOW) == (2, 0)
    changed = [faq.FaqImport("a-one", "aims", "Q1 edited", "A1")]
    assert await faq.import_faq(uow, entries=changed, content=content, now=NOW) == (0, 1)
    assert [e.question for e in await faq.export_faq(uow)] == ["Q1 edited", "Q2"]
    with pytest.raises(InvalidInput):
        await faq.import_faq(uow, entries=[faq.FaqImport("c", "gossip", "Q", "A")], content=content, now=NOW)
