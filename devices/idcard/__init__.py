"""ID-card readers: the interface, drivers, the simulator and pure parsers."""
