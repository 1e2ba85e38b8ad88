"""The announcements router: every task module under dialogs/announcements/ registers its commands and verbs here."""

from __future__ import annotations

from dialogs.kit.feature import FeatureRouter

router = FeatureRouter("announcements")
