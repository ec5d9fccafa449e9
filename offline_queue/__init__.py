"""The durable, encrypted outbox: nothing a citizen submits is lost or sent twice."""
