"""Notifications: the one outbox for every message, its channels (e-mail, SMS), preferences
and the bell."""
