"""Alembic environment. Run through `storage.migrate` (or `qibot db upgrade`), which passes a live connection."""

from alembic import context

from storage.tables import load_capability_tables

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `qibot db upgrade`, which supplies the database connection")

context.configure(
    connection=connection,
    target_metadata=load_capability_tables(),
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
