"""The hall backend's client: typed calls, typed errors, never a ``requests`` exception outside."""
