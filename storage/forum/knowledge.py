"""The forum's knowledge queries: full-text search (SQLite FTS5 ranked by bm25; PostgreSQL tsvector ranked by
ts_rank, English configuration), the FAQ, and coaches' subscriptions. Mixed into SqlForumRepository."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, delete, insert, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.forum.model import FaqEntry, SearchHit
from core.kernel.model import Role
from storage.forum.tables import forum_faq, forum_subscriptions
from storage.repositories import _insert
from storage.tables import user_roles

# Each dialect's own full-text ranking. SQLite: FTS5's bm25() (lower is better, so it is negated), a question's
# text and an FAQ entry's question and keywords weighted twice an FAQ answer. PostgreSQL: ts_rank over the
# generated tsvector columns (a question's text and an FAQ entry's question and keywords weigh A, its answer B).
SQLITE_SEARCH = """
SELECT m.kind, m.ref_id, -m.rank AS score FROM (
    SELECT kind, ref_id, bm25(forum_search, 0.0, 0.0, 2.0, 1.0) AS rank
    FROM forum_search WHERE forum_search MATCH :query
) AS m
LEFT JOIN forum_posts AS p ON m.kind = 'post' AND p.id = m.ref_id
WHERE (m.kind = 'faq') OR (NOT :faq_only AND p.kind = 'question' AND p.status IN ('answered', 'closed'))
ORDER BY m.rank, m.kind, m.ref_id
LIMIT :limit
"""
POSTGRES_SEARCH = """
WITH q AS (SELECT websearch_to_tsquery('english', :query) AS query)
SELECT kind, ref_id, score FROM (
    SELECT 'post' AS kind, p.id AS ref_id, ts_rank(p.search, q.query) AS score
    FROM forum_posts AS p, q
    WHERE NOT :faq_only AND p.search @@ q.query AND p.kind = 'question' AND p.status IN ('answered', 'closed')
    UNION ALL
    SELECT 'faq' AS kind, f.id AS ref_id, ts_rank(f.search, q.query) AS score
    FROM forum_faq AS f, q
    WHERE f.search @@ q.query
) AS hits
ORDER BY score DESC, kind, ref_id
LIMIT :limit
"""


def _faq(row) -> FaqEntry:
    return FaqEntry(
        id=row["id"],
        slug=row["slug"],
        question=row["question"],
        answer=row["answer"],
        topic=row["topic"],
        keywords=row["keywords"],
        source_post_id=row["source_post_id"],
    )


_faq_columns = [c for c in forum_faq.c if c.name != "search"]


def sqlite_match(words: Sequence[str]) -> str:
    """An FTS5 query matching any of the words (each quoted, so no word is read as an operator)."""
    return " OR ".join('"' + word.replace('"', '""') + '"' for word in words)


class KnowledgeQueries:
    conn: AsyncConnection

    # --- search -------------------------------------------------------------------------------------------------

    async def search(self, words: Sequence[str], *, limit: int, faq_only: bool = False) -> list[SearchHit]:
        if not words:
            return []
        if self.conn.dialect.name == "postgresql":
            query, sql = " or ".join(words), POSTGRES_SEARCH
        else:
            query, sql = sqlite_match(words), SQLITE_SEARCH
        rows = await self.conn.execute(text(sql), {"query": query, "limit": limit, "faq_only": faq_only})
        return [SearchHit(kind, ref_id, float(score)) for kind, ref_id, score in rows]

    # --- FAQ ----------------------------------------------------------------------------------------------------

    async def add_faq(self, *, slug, question, answer, topic, keywords, source_post_id, user_id, now) -> FaqEntry:
        placeholder = slug or f"new-{source_post_id or 0}-{now.timestamp():.6f}"
        faq_id = (
            await self.conn.execute(
                insert(forum_faq)
                .values(
                    slug=placeholder,
                    question=question,
                    answer=answer,
                    topic=topic,
                    keywords=keywords,
                    source_post_id=source_post_id,
                    created_by=user_id,
                    created_at=now,
                    updated_at=now,
                )
                .returning(forum_faq.c.id)
            )
        ).scalar_one()
        if slug is None:
            await self.conn.execute(update(forum_faq).where(forum_faq.c.id == faq_id).values(slug=f"faq-{faq_id}"))
        entry = await self.get_faq(faq_id)
        assert entry is not None
        return entry

    async def upsert_faq(self, *, slug, question, answer, topic, keywords, now) -> bool:
        values = dict(question=question, answer=answer, topic=topic, keywords=keywords, updated_at=now)
        created = (
            await self.conn.execute(
                _insert(self.conn, forum_faq)
                .values(slug=slug, created_at=now, **values)
                .on_conflict_do_nothing(index_elements=["slug"])
                .returning(forum_faq.c.id)
            )
        ).first() is not None
        if not created:
            await self.conn.execute(update(forum_faq).where(forum_faq.c.slug == slug).values(**values))
        return created

    async def get_faq(self, faq_id: int) -> FaqEntry | None:
        row = (await self.conn.execute(select(*_faq_columns).where(forum_faq.c.id == faq_id))).mappings().first()
        return _faq(row) if row else None

    async def faq_entries(self, *, topic: str | None = None) -> list[FaqEntry]:
        stmt = select(*_faq_columns).order_by(forum_faq.c.id)
        if topic:
            stmt = stmt.where(forum_faq.c.topic == topic)
        return [_faq(r) for r in (await self.conn.execute(stmt)).mappings()]

    # --- coaches ------------------------------------------------------------------------------------------------

    async def subscriptions(self, user_id: int) -> tuple[frozenset[str], frozenset[str]]:
        rows = (
            await self.conn.execute(
                select(forum_subscriptions.c.kind, forum_subscriptions.c.value).where(
                    forum_subscriptions.c.user_id == user_id
                )
            )
        ).all()
        return (
            frozenset(v for k, v in rows if k == "topic"),
            frozenset(v for k, v in rows if k == "site"),
        )

    async def save_subscriptions(self, user_id: int, *, topics: Sequence[str], sites: Sequence[str]) -> None:
        await self.conn.execute(delete(forum_subscriptions).where(forum_subscriptions.c.user_id == user_id))
        rows = [{"user_id": user_id, "kind": "topic", "value": t} for t in topics] + [
            {"user_id": user_id, "kind": "site", "value": s} for s in sites
        ]
        if rows:
            await self.conn.execute(insert(forum_subscriptions), rows)

    async def subscribers(self, *, topic: str | None, site: str | None) -> list[int]:
        wanted = []
        if topic:
            wanted.append(and_(forum_subscriptions.c.kind == "topic", forum_subscriptions.c.value == topic))
        if site:
            wanted.append(and_(forum_subscriptions.c.kind == "site", forum_subscriptions.c.value == site))
        if not wanted:
            return []
        stmt = (
            select(forum_subscriptions.c.user_id)
            .join(user_roles, user_roles.c.user_id == forum_subscriptions.c.user_id)
            .where(or_(*wanted), user_roles.c.role.in_([Role.COACH.value, Role.ADMIN.value]))
            .distinct()
        )
        return sorted((await self.conn.execute(stmt)).scalars())

    async def users_with_roles(self, roles: Sequence[Role]) -> list[int]:
        stmt = select(user_roles.c.user_id).where(user_roles.c.role.in_([r.value for r in roles])).distinct()
        return sorted((await self.conn.execute(stmt)).scalars())
