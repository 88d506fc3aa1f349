"""One storage layer for SQLite (a file path) and PostgreSQL (a postgresql:// URL)."""

from wirewatch.store.db import Store, open_store

__all__ = ["Store", "open_store"]
