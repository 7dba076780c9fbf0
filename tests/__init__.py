"""Tests of the Door Access integration."""
