"""cocreatie-tui: facilitate co-creation sessions live."""

__version__ = "0.1.0"
