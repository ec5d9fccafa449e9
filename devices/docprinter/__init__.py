"""A4 document printers: PDFs sent through CUPS, or kept as files by the simulator."""
