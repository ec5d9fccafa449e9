"""Camera frame sources, shared by the QR scanner and the document camera."""
