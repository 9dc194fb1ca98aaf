"""Alerts to the people who must act: grouped per kind and interval, by e-mail and an optional webhook."""
