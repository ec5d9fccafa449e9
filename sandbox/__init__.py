"""A stand-in for the hall's backend: a real HTTP server with SQLite, for the demo and the tests."""
