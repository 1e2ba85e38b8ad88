"""Signed, expiring links to the bot's own endpoints (itsdangerous). Unguessable: the booking id is signed
with a server secret, and the link stops working when its expiry (the session's end) has passed."""

from __future__ import annotations

from datetime import UTC, datetime

from itsdangerous import BadSignature, URLSafeSerializer


class SignedLinks:
    def __init__(self, base_url: str, secret: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._serializer = URLSafeSerializer(secret, salt="qibot.calendar")
        self._charts = URLSafeSerializer(secret, salt="qibot.chart")
        self._summaries = URLSafeSerializer(secret, salt="qibot.summary")
        self._reports = URLSafeSerializer(secret, salt="qibot.report")

    def calendar(self, booking_id: int, *, expires_at: datetime) -> str:
        token = self._serializer.dumps({"b": booking_id, "e": int(expires_at.timestamp())})
        return f"{self.base_url}/calendar/{token}.ics"

    def read_calendar_token(self, token: str, *, now: datetime) -> int | None:
        """The booking id, or None if the token is forged, damaged or expired."""
        try:
            data = self._serializer.loads(token)
        except BadSignature:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("b"), int) or not isinstance(data.get("e"), int):
            return None
        if datetime.fromtimestamp(data["e"], UTC) < now:
            return None
        return data["b"]

    def chart(self, measure_id: int, *, version: int) -> str:
        """The chart of one measure; `version` (its number of points) makes a new URL when data is added."""
        return f"{self.base_url}/charts/{self._charts.dumps([measure_id, version])}.png"

    def read_chart_token(self, token: str) -> int | None:
        try:
            data = self._charts.loads(token)
        except BadSignature:
            return None
        return data[0] if isinstance(data, list) and data and isinstance(data[0], int) else None

    def summary(self, project_id: int, *, expires_at: datetime) -> str:
        token = self._summaries.dumps({"p": project_id, "e": int(expires_at.timestamp())})
        return f"{self.base_url}/projects/summary/{token}.html"

    def read_summary_token(self, token: str, *, now: datetime) -> int | None:
        try:
            data = self._summaries.loads(token)
        except BadSignature:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("p"), int) or not isinstance(data.get("e"), int):
            return None
        return data["p"] if datetime.fromtimestamp(data["e"], UTC) >= now else None

    def report(self, kind: str, *, user_id: int, expires_at: datetime) -> str:
        """A project report download (csv, xlsx or the png chart) for one admin, valid until `expires_at`."""
        token = self._reports.dumps({"u": user_id, "k": kind, "e": int(expires_at.timestamp())})
        return f"{self.base_url}/reports/{token}.{kind}"

    def read_report_token(self, token: str, kind: str, *, now: datetime) -> int | None:
        try:
            data = self._reports.loads(token)
        except BadSignature:
            return None
        if not isinstance(data, dict) or data.get("k") != kind or not isinstance(data.get("e"), int):
            return None
        return data.get("u") if datetime.fromtimestamp(data["e"], UTC) >= now else None
