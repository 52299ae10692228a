"""Constellatiemonitor: a dashboard of the guidance constellations of student teachers."""

__version__ = "0.1.0"
