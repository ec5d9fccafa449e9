"""OneTrip terminal core: configuration, domain, workflows and backend client (no Qt)."""

__version__ = "0.1.0"
