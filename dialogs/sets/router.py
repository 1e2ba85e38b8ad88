"""The sets router: every task module under dialogs/sets/ registers its commands and card verbs here."""

from __future__ import annotations

from dialogs.kit.feature import FeatureRouter

router = FeatureRouter("sets")
