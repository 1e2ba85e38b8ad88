"""Small pieces shared by every capability's dialogs: the router, feature routers, turn types, cards, forms."""
