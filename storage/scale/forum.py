"""The forum: a coaches' channel and a community channel, questions in every state (answered in their threads by
coaches, closed with an outcome, open and escalated, withdrawn, drafts resolved by an FAQ entry), the FAQ, and
project stories (one per project)."""

from __future__ import annotations

from datetime import timedelta

from core.forum.escalation import answer_timing, working_seconds
from core.forum.sla import add_working_days
from storage.forum.tables import (
    forum_channels,
    forum_deflections,
    forum_faq,
    forum_posts,
    forum_replies,
    forum_subscriptions,
)
from storage.scale.bulk import BulkWriter
from storage.scale.people import SERVICE_URL, TENANT
from storage.scale.plan import Trust
from storage.tables import conversation_addresses

STATUSES = {"answered": 0.45, "closed": 0.30, "open": 0.05, "resolved": 0.07, "draft": 0.03, "withdrawn": 0.10}
FAQS = 40
STORIES = 0.05  # of projects
QUESTIONS = (
    "How many data points do I need before I can call a shift on my run chart?",
    "Who should I ask to sponsor a project on the ward?",
    "Is my project audit or quality improvement?",
    "How do I keep the team going after the first PDSA cycle?",
    "What is a good balancing measure for a discharge project?",
)


def _escalation(trust: Trust, posted) -> int:
    """The level the escalation tick (every five minutes) has reached by now for a question still open."""
    rules, forum = trust.content.nudges, trust.content.forum
    clock = (rules.default_hours, trust.content.organisation.timezone, forum.bank_holidays)
    first = add_working_days(posted, forum.answer_within, *clock)
    second = add_working_days(first, forum.then_everyone_after, *clock)
    return 2 if trust.end >= second else 1 if trust.end >= first else 0


def _timing(trust: Trust, posted, answered, closed) -> tuple:
    """What the bot stores when a question is answered and closed (core.forum.escalation), for the report."""
    working_s, in_time = answer_timing(posted, answered, trust.content) if answered else (None, None)
    return working_s, in_time, working_seconds(posted, closed, trust.content) if closed else None


async def write_forum(bulk: BulkWriter, trust: Trust) -> None:
    rng = trust.rng("forum")
    topics = [t.id for t in trust.content.forum.topics]
    admin = trust.admins[0]
    address_id = await bulk.next_id(conversation_addresses)
    await bulk.write(
        conversation_addresses,
        ("id", "user_id", "channel_id", "service_url", "conversation_id", "conversation_type", "tenant_id", "bot_id",
         "bot_name", "user_aad_id", "user_name", "active", "reachable", "updated_at"),
        [(address_id + n, admin, "msteams", SERVICE_URL, f"19:scale-{kind}@thread.tacv2", "channel", TENANT,
          "28:qi-companion", "QI Companion", None, None, True, True, trust.start) for n, kind in enumerate(("c", "q"))],
    )
    channel_id = await bulk.next_id(forum_channels)
    await bulk.write(
        forum_channels,
        ("id", "teams_channel_id", "team_id", "team_group_id", "kind", "scope", "address_id", "linked_by", "linked_at"),
        [(channel_id, "19:scale-c@thread.tacv2", "scale-team", None, "coaches", "all", address_id, admin, trust.start),
         (channel_id + 1, "19:scale-q@thread.tacv2", "scale-team", None, "community", "all", address_id + 1, admin,
          trust.start)],
    )
    faq_id = await bulk.next_id(forum_faq)
    await bulk.write(
        forum_faq,
        ("id", "slug", "question", "answer", "topic", "keywords", "created_by", "created_at", "updated_at"),
        [(faq_id + n, f"scale-faq-{n + 1}", f"{QUESTIONS[n % len(QUESTIONS)]} ({n + 1})",
          "Start with the QI clinic; a coach will go through it with you.", topics[n % len(topics)],
          "run chart shift sponsor audit pdsa", admin, trust.start, trust.start) for n in range(FAQS)],
    )
    coaches = [c for cs in trust.coaches.values() for c in cs]
    # Coaches follow their own site's questions (so an escalation goes to them, not to every coach).
    await bulk.write(
        forum_subscriptions,
        ("user_id", "kind", "value"),
        [(c, "site", site) for site, ids in trust.coaches.items() for c in ids],
    )
    post_id = await bulk.next_id(forum_posts)
    posts, replies, deflections = [], [], []
    recent = trust.end - timedelta(days=3)
    for n in range(trust.count("forum_questions")):
        pid = post_id + n
        person = trust.person(rng)
        status = rng.choices(list(STATUSES), list(STATUSES.values()))[0]
        created = trust.moment(rng, after=person.joined, before=trust.end - timedelta(hours=2))
        if status == "open" and rng.random() < 0.6:
            created = trust.moment(rng, after=max(person.joined, recent), before=trust.end - timedelta(hours=2))
        posted = created + timedelta(minutes=3) if status not in ("draft", "resolved") else None
        answered = posted + timedelta(hours=rng.randint(1, 60)) if status in ("answered", "closed") else None
        closed = answered + timedelta(days=rng.randint(1, 10)) if status == "closed" else None
        escalation = _escalation(trust, posted) if status == "open" else 0
        topic = rng.choice(topics)
        posts.append((pid, "question", person.id, QUESTIONS[n % len(QUESTIONS)], topic, person.site, None,
                      rng.random() < 0.5, status, rng.choice(("yes", "yes", "partly", "no")) if closed else None,
                      escalation, channel_id if posted else None, f"19:scale-c@thread.tacv2;messageid={pid}" if posted
                      else None, address_id if posted else None, f"scale-root-{pid}" if posted else None, created,
                      posted, answered, closed, min(trust.end, closed or answered or posted or created),
                      *_timing(trust, posted, answered, closed)))
        if answered:
            for r in range(rng.randint(1, 3)):
                coach = rng.choice(coaches)
                replies.append((pid, coach, None, False, "Have a look at the run chart rules in the learning topic.",
                                "thread", f"scale-reply-{pid}-{r}", r == 0, answered + timedelta(hours=r)))
        if status == "resolved":
            deflections.append((pid, person.id, faq_id + n % FAQS, None, created + timedelta(minutes=1)))
    stories = [p for p in trust.projects if p[2] == "completed"]
    for project, lead, _status, site, _division in rng.sample(stories, round(len(stories) * STORIES)):
        at = trust.moment(rng, after=trust.end - timedelta(days=700))
        posts.append((post_id + len(posts), "story", lead, "What we changed, and what happened.", None, site,
                      project, True, "open", None, 0, None, None, None, None, at, at, None, None, at, None, None,
                      None))
    await bulk.write(
        forum_posts,
        ("id", "kind", "user_id", "text", "topic", "site", "project_id", "show_name", "status", "outcome",
         "escalation", "channel_id", "thread_conversation", "thread_address_id", "root_activity", "created_at",
         "posted_at", "first_answer_at", "closed_at", "updated_at", "first_answer_working_s", "answered_in_time",
         "closed_working_s"),
        posts,
    )
    await bulk.write(
        forum_replies,
        ("post_id", "user_id", "author_name", "from_asker", "text", "source", "activity_id", "helpful", "created_at"),
        replies,
    )
    await bulk.write(
        forum_deflections, ("draft_id", "user_id", "faq_id", "answered_by_post", "created_at"), deflections
    )
