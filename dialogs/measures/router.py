from dialogs.kit.feature import FeatureRouter

router = FeatureRouter("measures")
