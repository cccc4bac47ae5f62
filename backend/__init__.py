"""Roost: background jobs in a SQL store, with a live dashboard."""
