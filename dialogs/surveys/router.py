"""The surveys router: every task module under dialogs/surveys/ registers its commands and card verbs here."""

from __future__ import annotations

from dialogs.kit.feature import FeatureRouter

router = FeatureRouter("surveys")
