"""The document camera (高拍仪): capture a flat, legible page."""
