"""PC/SC, the smart-card stack: a typed context over pyscard (``scard``), a snapshot of the service and
its readers for diagnostics (``diagnostics``), and a virtual card for vsmartcard's vpcd (``virtual_card``)."""
