"""Roost's JSON API on Starlette; `create_app` builds it with the stream and the dashboard."""

from backend.api.app import create_app

__all__ = ["create_app"]
