"""Fixtures for whole-system runs: the store on each backend (tests/adapters/store)."""

from tests.adapters.store.conftest import store_url  # noqa: F401 - live runs record in one
