"""Device drivers and simulators. Qt-free: events leave through plain callbacks."""
