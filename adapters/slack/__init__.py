"""Slack adapter: `/lab`, modals, buttons, App Home, mentions and DMs, on slack-bolt (HTTP or Socket Mode)."""
