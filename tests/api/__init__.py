"""Tests of the cloud API clients (no Home Assistant)."""
