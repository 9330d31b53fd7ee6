"""Scheduling: reminders and announcements on APScheduler, run by one elected replica."""
