"""The project register's feature router: every task module registers its commands and card verbs here."""

from dialogs.kit.feature import FeatureRouter

router = FeatureRouter("projects")
