"""The shared floor of the cloud clients: HTTP core, errors, field reader, enums and paging."""
