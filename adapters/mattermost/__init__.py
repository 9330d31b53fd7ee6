"""Mattermost adapter: REST via mattermostdriver, events via our own websocket client."""
