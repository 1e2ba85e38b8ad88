"""Small pieces shared by every capability's dialogs."""
