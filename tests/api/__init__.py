"""Tests of the operations-center API (issue 5)."""
