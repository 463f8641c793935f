"""Getting prices in: sources, the HTTP client, replay, the store and the refresh loop."""
