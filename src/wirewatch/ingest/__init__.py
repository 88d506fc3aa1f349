"""Ingest: files, folders, JSONL, WARC, stdin, URLs and feeds -> RawDocument (the only network code).

Contract: `read_inputs(inputs, options) -> Iterator[RawDocument | InputProblem]`.
"""

from wirewatch.ingest.sources import read_inputs

__all__ = ["read_inputs"]
