"""In-memory forum repository (the fake unit of work finds it as FAKE_REPOSITORY). Its search is a stand-in (any
word of the query in the text, more words first): the real ranking is the database's, tested on both databases
in test_search.py."""

from __future__ import annotations

import re
from dataclasses import replace

from core.forum.model import (
    ChannelKind,
    FaqEntry,
    ForumChannel,
    Outcome,
    Post,
    PostKind,
    PostStatus,
    QuestionTiming,
    Reply,
    SearchHit,
)
from tests.fakes import _Repo

POSTED = (PostStatus.OPEN, PostStatus.ANSWERED, PostStatus.CLOSED, PostStatus.WITHDRAWN)


def _words(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[^\W_]+", text.lower())}


class FakeForum(_Repo):
    def _t(self, name: str) -> dict:
        return self.db.__dict__.setdefault(f"forum_{name}", {})

    def _id(self) -> int:
        return next(self.db.ids)

    def _with_name(self, post: Post) -> Post:
        user = self.db.users.get(post.user_id)
        return replace(post, asker_name=user.name if user else None)

    # --- channels
    async def link_channel(self, *, teams_channel_id, team_id, team_group_id, kind, scope, address_id, user_id, now):
        channels = self._t("channels")
        for key, c in list(channels.items()):
            if c.teams_channel_id == teams_channel_id or (c.kind == kind and c.scope == scope):
                del channels[key]
        channel = ForumChannel(
            self._id(), teams_channel_id, team_id, team_group_id, ChannelKind(kind), scope, address_id, user_id
        )
        channels[channel.id] = channel
        return channel

    async def unlink_channel(self, channel_id):
        return self._t("channels").pop(channel_id, None) is not None

    async def channels(self):
        return sorted(self._t("channels").values(), key=lambda c: (c.kind, c.scope))

    async def get_channel(self, channel_id):
        return self._t("channels").get(channel_id)

    async def channel_for(self, kind, scope):
        return next((c for c in self._t("channels").values() if c.kind == kind and c.scope == scope), None)

    # --- posts
    async def add_post(self, *, kind, user_id, text, topic, site, project_id, show_name, status, now):
        post = Post(
            id=self._id(),
            kind=PostKind(kind),
            user_id=user_id,
            text=text,
            topic=topic,
            site=site,
            project_id=project_id,
            show_name=show_name,
            status=PostStatus(status),
            created_at=now,
            posted_at=None if status == PostStatus.DRAFT else now,
        )
        self._t("posts")[post.id] = post
        return self._with_name(post)

    async def add_story(self, *, user_id, project_id, title, site, now):
        if await self.story_of(project_id):
            return None
        return await self.add_post(
            kind=PostKind.STORY,
            user_id=user_id,
            text=title,
            topic=None,
            site=site,
            project_id=project_id,
            show_name=True,
            status=PostStatus.OPEN,
            now=now,
        )

    async def story_of(self, project_id):
        return next(
            (
                self._with_name(p)
                for p in self._t("posts").values()
                if p.kind == PostKind.STORY and p.project_id == project_id
            ),
            None,
        )

    def _update(self, post_id, **changes):
        self._t("posts")[post_id] = replace(self._t("posts")[post_id], **changes)

    async def set_channel(self, post_id, channel_id):
        self._update(post_id, channel_id=channel_id)

    async def get_post(self, post_id):
        post = self._t("posts").get(post_id)
        return self._with_name(post) if post else None

    async def publish(self, post_id, *, channel_id, now):
        post = self._t("posts").get(post_id)
        if post is None or post.status != PostStatus.DRAFT:
            return False
        self._update(post_id, status=PostStatus.OPEN, channel_id=channel_id, posted_at=now)
        return True

    async def resolve_draft(self, draft_id, *, user_id, faq_id, answered_by_post, now):
        post = self._t("posts").get(draft_id)
        if post is None or post.status != PostStatus.DRAFT:
            return False
        self._update(draft_id, status=PostStatus.RESOLVED)
        self._t("deflections")[draft_id] = dict(user_id=user_id, faq_id=faq_id, answered_by_post=answered_by_post)
        return True

    async def answer_counts(self, *, faq_ids, post_ids):
        counts: dict = {}
        for row in self._t("deflections").values():
            if row["faq_id"] in faq_ids:
                counts[("faq", row["faq_id"])] = counts.get(("faq", row["faq_id"]), 0) + 1
            if row["answered_by_post"] in post_ids:
                key = ("post", row["answered_by_post"])
                counts[key] = counts.get(key, 0) + 1
        return counts

    async def awaiting_thread(self, *, limit=50):
        found = [
            p
            for p in self._t("posts").values()
            if p.channel_id is not None and p.thread_conversation is None and p.status in POSTED
        ]
        return [self._with_name(p) for p in sorted(found, key=lambda p: (p.posted_at, p.id), reverse=True)[:limit]]

    async def set_thread(self, post_id, *, conversation, address_id, root_activity):
        post = self._t("posts")[post_id]
        if post.thread_conversation is not None:
            return False
        self._update(
            post_id, thread_conversation=conversation, thread_address_id=address_id, root_activity=root_activity
        )
        return True

    async def post_by_thread(self, conversation):
        return next(
            (self._with_name(p) for p in self._t("posts").values() if p.thread_conversation == conversation), None
        )

    async def user_posts(self, user_id, *, kind):
        found = [
            p
            for p in self._t("posts").values()
            if p.user_id == user_id and p.kind == kind and p.status in POSTED and p.status != PostStatus.WITHDRAWN
        ]
        return [self._with_name(p) for p in sorted(found, key=lambda p: (p.posted_at, p.id), reverse=True)]

    async def unanswered(self, *, site=None, topic=None):
        found = [
            p
            for p in self._t("posts").values()
            if p.kind == PostKind.QUESTION
            and p.status == PostStatus.OPEN
            and p.first_answer_at is None
            and site in (None, p.site)
            and topic in (None, p.topic)
        ]
        return [self._with_name(p) for p in sorted(found, key=lambda p: (p.posted_at, p.id))]

    async def set_escalation(self, post_id, *, from_level, to_level):
        if self._t("posts")[post_id].escalation != from_level:
            return False
        self._update(post_id, escalation=to_level)
        return True

    async def mark_answered(self, post_id, *, now, timing=None):
        post = self._t("posts")[post_id]
        first = post.first_answer_at is None
        if first:
            working_s, in_time = timing or (None, None)
            self._update(post_id, first_answer_at=now, first_answer_working_s=working_s, answered_in_time=in_time)
        self._update(post_id, status=PostStatus.ANSWERED if post.status == PostStatus.OPEN else post.status)
        return first

    async def close(self, post_id, *, outcome, now, working_s=None):
        if self._t("posts")[post_id].status not in (PostStatus.OPEN, PostStatus.ANSWERED):
            return False
        self._update(
            post_id, status=PostStatus.CLOSED, outcome=Outcome(outcome), closed_at=now, closed_working_s=working_s
        )
        return True

    async def withdraw(self, post_id, *, now):
        if self._t("posts")[post_id].status == PostStatus.WITHDRAWN:
            return False
        self._update(post_id, status=PostStatus.WITHDRAWN, text="")
        return True

    async def question_timings(self, *, start, end):
        found = [
            p
            for p in self._t("posts").values()
            if p.kind == PostKind.QUESTION and p.status in POSTED and p.posted_at and start <= p.posted_at < end
        ]
        return [
            QuestionTiming(
                p.status, p.site, p.topic, p.posted_at, p.first_answer_at, p.closed_at,
                p.first_answer_working_s, p.answered_in_time, p.closed_working_s,
            )
            for p in sorted(found, key=lambda p: (p.posted_at, p.id))
        ]  # fmt: skip

    # --- replies
    async def add_reply(self, *, post_id, user_id, author_name, from_asker, text, source, activity_id, now):
        replies = self._t("replies")
        seen = self._t("activity")
        if activity_id and any(seen.get(r.id) == activity_id for r in replies.values() if r.post_id == post_id):
            return None
        reply = Reply(self._id(), post_id, user_id, author_name, from_asker, text, source, False, now)
        replies[reply.id] = reply
        if activity_id:
            self._t("activity")[reply.id] = activity_id
        return reply

    async def get_reply(self, reply_id):
        return self._t("replies").get(reply_id)

    async def replies(self, post_id):
        return sorted((r for r in self._t("replies").values() if r.post_id == post_id), key=lambda r: r.id)

    async def mark_helpful(self, reply_id):
        reply = self._t("replies")[reply_id]
        if reply.helpful:
            return False
        self._t("replies")[reply_id] = replace(reply, helpful=True)
        return True

    # --- search
    async def search(self, words, *, limit, faq_only=False):
        wanted = {w[:5] for w in words}
        hits = []
        if not faq_only:
            for p in self._t("posts").values():
                if p.kind == PostKind.QUESTION and p.status in (PostStatus.ANSWERED, PostStatus.CLOSED):
                    hits.append(SearchHit("post", p.id, len(wanted & _words(p.text))))
        for f in self._t("faq").values():
            hits.append(SearchHit("faq", f.id, len(wanted & _words(f"{f.question} {f.keywords} {f.answer}"))))
        hits = [h for h in hits if h.score > 0]
        return sorted(hits, key=lambda h: (-h.score, h.kind, h.ref_id))[:limit]

    # --- FAQ
    async def add_faq(self, *, slug, question, answer, topic, keywords, source_post_id, user_id, now):
        faq_id = self._id()
        entry = FaqEntry(faq_id, slug or f"faq-{faq_id}", question, answer, topic, keywords, source_post_id)
        self._t("faq")[faq_id] = entry
        return entry

    async def upsert_faq(self, *, slug, question, answer, topic, keywords, now):
        for key, entry in self._t("faq").items():
            if entry.slug == slug:
                self._t("faq")[key] = replace(entry, question=question, answer=answer, topic=topic, keywords=keywords)
                return False
        await self.add_faq(
            slug=slug,
            question=question,
            answer=answer,
            topic=topic,
            keywords=keywords,
            source_post_id=None,
            user_id=None,
            now=now,
        )
        return True

    async def get_faq(self, faq_id):
        return self._t("faq").get(faq_id)

    async def faq_entries(self, *, topic=None):
        return [e for e in sorted(self._t("faq").values(), key=lambda e: e.id) if topic in (None, e.topic)]

    # --- coaches
    async def subscriptions(self, user_id):
        rows = self._t("subscriptions").get(user_id, set())
        return frozenset(v for k, v in rows if k == "topic"), frozenset(v for k, v in rows if k == "site")

    async def save_subscriptions(self, user_id, *, topics, sites):
        self._t("subscriptions")[user_id] = {("topic", t) for t in topics} | {("site", s) for s in sites}

    async def subscribers(self, *, topic, site):
        from core.kernel.model import Role

        found = []
        for user_id, rows in self._t("subscriptions").items():
            user = self.db.users.get(user_id)
            if user and (Role.COACH in user.roles or Role.ADMIN in user.roles):
                if ("topic", topic) in rows or ("site", site) in rows:
                    found.append(user_id)
        return sorted(found)

    async def users_with_roles(self, roles):
        return sorted(u.id for u in self.db.users.values() if set(roles) & set(u.roles))


FAKE_REPOSITORY = FakeForum
