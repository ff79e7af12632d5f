"""Hiring-decision Slack bot."""
