"""The forum: linked channels, questions and stories with their threads and replies, the FAQ, "this answers it"
records, coaches' subscriptions; full-text search (PostgreSQL: generated tsvector columns with GIN indexes;
SQLite: an FTS5 table kept in step by triggers); and the outbox's record of the conversation (thread) a message
started.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from storage.tables import UTCDateTime

revision = '0006'
down_revision = '0009'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

POSTS_SEARCH = "setweight(to_tsvector('english', text), 'A')"
FAQ_SEARCH = (
    "setweight(to_tsvector('english', question || ' ' || keywords), 'A') || "
    "setweight(to_tsvector('english', answer), 'B')"
)

SQLITE_SEARCH = [
    "CREATE VIRTUAL TABLE forum_search USING fts5(kind UNINDEXED, ref_id UNINDEXED, title, body, "
    "tokenize = 'porter unicode61')",
    "CREATE TRIGGER forum_posts_search_insert AFTER INSERT ON forum_posts BEGIN "
    "INSERT INTO forum_search (kind, ref_id, title, body) VALUES ('post', new.id, new.text, ''); END",
    "CREATE TRIGGER forum_posts_search_update AFTER UPDATE OF text ON forum_posts BEGIN "
    "DELETE FROM forum_search WHERE kind = 'post' AND ref_id = old.id; "
    "INSERT INTO forum_search (kind, ref_id, title, body) VALUES ('post', new.id, new.text, ''); END",
    "CREATE TRIGGER forum_posts_search_delete AFTER DELETE ON forum_posts BEGIN "
    "DELETE FROM forum_search WHERE kind = 'post' AND ref_id = old.id; END",
    "CREATE TRIGGER forum_faq_search_insert AFTER INSERT ON forum_faq BEGIN "
    "INSERT INTO forum_search (kind, ref_id, title, body) "
    "VALUES ('faq', new.id, new.question || ' ' || new.keywords, new.answer); END",
    "CREATE TRIGGER forum_faq_search_update AFTER UPDATE OF question, answer, keywords ON forum_faq BEGIN "
    "DELETE FROM forum_search WHERE kind = 'faq' AND ref_id = old.id; "
    "INSERT INTO forum_search (kind, ref_id, title, body) "
    "VALUES ('faq', new.id, new.question || ' ' || new.keywords, new.answer); END",
    "CREATE TRIGGER forum_faq_search_delete AFTER DELETE ON forum_faq BEGIN "
    "DELETE FROM forum_search WHERE kind = 'faq' AND ref_id = old.id; END",
]


def upgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.add_column(sa.Column('started_conversation', sa.String(length=500), nullable=True))

    op.create_table('forum_channels',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('teams_channel_id', sa.String(length=500), nullable=False),
    sa.Column('team_id', sa.String(length=500), nullable=True),
    sa.Column('team_group_id', sa.String(length=100), nullable=True),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('scope', sa.String(length=50), nullable=False),
    sa.Column('address_id', ID, nullable=False),
    sa.Column('linked_by', ID, nullable=False),
    sa.Column('linked_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('coaches', 'community')", name=op.f('ck_forum_channels_known_kind')),
    sa.ForeignKeyConstraint(['address_id'], ['conversation_addresses.id'], name=op.f('fk_forum_channels_address_id_conversation_addresses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['linked_by'], ['users.id'], name=op.f('fk_forum_channels_linked_by_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_channels')),
    sa.UniqueConstraint('kind', 'scope', name='uq_forum_channels_kind_scope'),
    sa.UniqueConstraint('teams_channel_id', name=op.f('uq_forum_channels_teams_channel_id')),
    )
    op.create_table('forum_posts',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('user_id', ID, nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('topic', sa.String(length=40), nullable=True),
    sa.Column('site', sa.String(length=50), nullable=True),
    sa.Column('project_id', ID, nullable=True),
    sa.Column('show_name', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('outcome', sa.String(length=8), nullable=True),
    sa.Column('escalation', sa.Integer(), server_default='0', nullable=False),
    sa.Column('channel_id', ID, nullable=True),
    sa.Column('thread_conversation', sa.String(length=500), nullable=True),
    sa.Column('thread_address_id', ID, nullable=True),
    sa.Column('root_activity', sa.String(length=100), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('posted_at', UTCDateTime(), nullable=True),
    sa.Column('first_answer_at', UTCDateTime(), nullable=True),
    sa.Column('closed_at', UTCDateTime(), nullable=True),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('question', 'story')", name=op.f('ck_forum_posts_known_kind')),
    sa.CheckConstraint("status IN ('draft', 'resolved', 'open', 'answered', 'closed', 'withdrawn')", name=op.f('ck_forum_posts_known_status')),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('yes', 'partly', 'no')", name=op.f('ck_forum_posts_known_outcome')),
    sa.CheckConstraint('escalation BETWEEN 0 AND 2', name=op.f('ck_forum_posts_escalation_0_to_2')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_forum_posts_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['channel_id'], ['forum_channels.id'], name=op.f('fk_forum_posts_channel_id_forum_channels'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['thread_address_id'], ['conversation_addresses.id'], name=op.f('fk_forum_posts_thread_address_id_conversation_addresses'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_posts')),
    sa.UniqueConstraint('thread_conversation', name=op.f('uq_forum_posts_thread_conversation')),
    )
    op.create_index('ix_forum_posts_status_posted', 'forum_posts', ['status', 'posted_at'], unique=False)
    op.create_index('ix_forum_posts_user', 'forum_posts', ['user_id', 'status'], unique=False)
    op.create_index('uq_forum_posts_one_story', 'forum_posts', ['project_id'], unique=True,
                    sqlite_where=sa.text("kind = 'story'"), postgresql_where=sa.text("kind = 'story'"))
    op.create_table('forum_replies',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('post_id', ID, nullable=False),
    sa.Column('user_id', ID, nullable=True),
    sa.Column('author_name', sa.String(length=256), nullable=True),
    sa.Column('from_asker', sa.Boolean(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('activity_id', sa.String(length=100), nullable=True),
    sa.Column('helpful', sa.Boolean(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("source IN ('thread', 'card', 'chat')", name=op.f('ck_forum_replies_known_source')),
    sa.ForeignKeyConstraint(['post_id'], ['forum_posts.id'], name=op.f('fk_forum_replies_post_id_forum_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_forum_replies_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_replies')),
    sa.UniqueConstraint('post_id', 'activity_id', name='uq_forum_replies_post_activity'),
    )
    op.create_index('ix_forum_replies_post', 'forum_replies', ['post_id', 'created_at'], unique=False)
    op.create_table('forum_faq',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('topic', sa.String(length=40), nullable=False),
    sa.Column('keywords', sa.String(length=300), nullable=False),
    sa.Column('source_post_id', ID, nullable=True),
    sa.Column('created_by', ID, nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['source_post_id'], ['forum_posts.id'], name=op.f('fk_forum_faq_source_post_id_forum_posts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_forum_faq_created_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_faq')),
    sa.UniqueConstraint('slug', name=op.f('uq_forum_faq_slug')),
    )
    op.create_table('forum_deflections',
    sa.Column('draft_id', ID, nullable=False),
    sa.Column('user_id', ID, nullable=False),
    sa.Column('faq_id', ID, nullable=True),
    sa.Column('answered_by_post', ID, nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint('(faq_id IS NULL) <> (answered_by_post IS NULL)', name=op.f('ck_forum_deflections_one_answer')),
    sa.ForeignKeyConstraint(['draft_id'], ['forum_posts.id'], name=op.f('fk_forum_deflections_draft_id_forum_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_forum_deflections_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['faq_id'], ['forum_faq.id'], name=op.f('fk_forum_deflections_faq_id_forum_faq'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['answered_by_post'], ['forum_posts.id'], name=op.f('fk_forum_deflections_answered_by_post_forum_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('draft_id', name=op.f('pk_forum_deflections')),
    )
    op.create_table('forum_subscriptions',
    sa.Column('user_id', ID, nullable=False),
    sa.Column('kind', sa.String(length=5), nullable=False),
    sa.Column('value', sa.String(length=50), nullable=False),
    sa.CheckConstraint("kind IN ('topic', 'site')", name=op.f('ck_forum_subscriptions_known_kind')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_forum_subscriptions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'kind', 'value', name=op.f('pk_forum_subscriptions')),
    )

    if op.get_bind().dialect.name == 'postgresql':
        for table, expression in (('forum_posts', POSTS_SEARCH), ('forum_faq', FAQ_SEARCH)):
            op.execute(f"ALTER TABLE {table} ADD COLUMN search tsvector GENERATED ALWAYS AS ({expression}) STORED")
            op.execute(f"CREATE INDEX ix_{table}_search ON {table} USING gin (search)")
    else:
        for statement in SQLITE_SEARCH:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        op.execute("DROP TABLE IF EXISTS forum_search")  # its triggers go with forum_posts and forum_faq
    op.drop_table('forum_subscriptions')
    op.drop_table('forum_deflections')
    op.drop_table('forum_faq')
    op.drop_index('ix_forum_replies_post', table_name='forum_replies')
    op.drop_table('forum_replies')
    op.drop_index('uq_forum_posts_one_story', table_name='forum_posts')
    op.drop_index('ix_forum_posts_user', table_name='forum_posts')
    op.drop_index('ix_forum_posts_status_posted', table_name='forum_posts')
    op.drop_table('forum_posts')
    op.drop_table('forum_channels')
    with op.batch_alter_table('outbox') as batch:
        batch.drop_column('started_conversation')
