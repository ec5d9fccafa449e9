"""Thermal receipt printers: a layout model, the ESC/POS encoder, transports, a virtual printer."""
