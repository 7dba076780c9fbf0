"""Published API contracts (copies of the clouds' own documents) and readers for them."""
