"""Plain-Python state machines for a citizen's session and a clerk's case (no Qt)."""
