"""Cloud API clients used by Door Access; no Home Assistant imports, publishable as they are."""
