"""Frameworks: storing imported units and browsing them."""
