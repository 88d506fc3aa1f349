"""wirewatch: news articles in, a deduplicated, geocoded, source-linked database of conflict events out."""

__version__ = "0.1.0"
