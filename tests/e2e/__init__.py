"""End-to-end tests: real processes (simulator, Home Assistant) talking over loopback."""
