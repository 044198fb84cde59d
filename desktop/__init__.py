"""Broadsheet: an offline desktop archive viewer for news articles."""

__version__ = "0.1.0"
