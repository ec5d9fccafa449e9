"""What every layer shares, Qt-free and I/O-free: translation, domain types, masking, ID-number and
check-character rules, fonts, request signing, typed options and the one error base class.

This is the bottom layer: it imports nothing of OneTrip's (see ARCHITECTURE.md).
"""
