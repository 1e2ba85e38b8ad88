"""Programme measures tables: staff headcount by month, site and staff group (counts from an HR extract, never
names), the denominators of reach."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, Date, Integer, String, Table

from storage.tables import UTC_DT, metadata

measure_headcount = Table(
    "measure_headcount",
    metadata,
    Column("month", Date, primary_key=True),  # the first day of the month
    Column("site", String(40), primary_key=True),
    Column("staff_group", String(40), primary_key=True),
    Column("headcount", Integer, nullable=False),
    Column("imported_at", UTC_DT, nullable=False),
    CheckConstraint("headcount >= 0", name="headcount_not_negative"),
)
