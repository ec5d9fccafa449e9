"""The Qt side: screens, widgets, and the bridge that turns device and workflow events into signals."""
