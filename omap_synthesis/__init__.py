"""omap-synthesis: from a day of workshop speech to the rapporteur's recommendations."""

__version__ = "0.1.0"
