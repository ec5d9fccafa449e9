"""The entry layer: the ``kiosk`` command, its benches and the demo. It may import every other layer;
nothing imports it. Process-wide settings (the exception hook, logging) are made here, never below.
"""
