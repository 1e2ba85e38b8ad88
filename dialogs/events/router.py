"""The events router: every task module under dialogs/events/ registers its commands and card verbs here."""

from __future__ import annotations

from dialogs.kit.feature import FeatureRouter

router = FeatureRouter("events")
