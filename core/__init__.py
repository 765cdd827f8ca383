"""LocalReach engine: pure Python over pandas; never imports Qt, app or ui."""

__version__ = "0.1.0"
