"""One module per group of screens."""
