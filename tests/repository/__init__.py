"""Offline checks of the repository, written after reading what HACS and hassfest check."""
