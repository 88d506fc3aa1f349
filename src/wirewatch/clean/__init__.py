"""Clean: RawDocument -> Article (body text without chrome, metadata with where it came from).

Contract: `clean_document(raw, options) -> Article | InputProblem`.
"""

from wirewatch.clean.document import clean_document

__all__ = ["clean_document"]
