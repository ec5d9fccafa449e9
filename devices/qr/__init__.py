"""QR code scanners: camera, keyboard-wedge and serial; the simulator."""
