"""Ingest: files, folders, JSONL, WARC, stdin, URLs and feeds -> RawDocument (the only network code).

Contract: `read_inputs(inputs, options) -> Iterator[RawDocument | InputProblem]`.

Inputs, and the module that reads each:
- files and folders (files.py): .txt/.text -> text, .html/.htm/.xhtml -> html, .json/.jsonl/.ndjson ->
  records, .warc/.warc.gz -> WARC, .rss/.atom/.xml -> feed; other names are sniffed. Folders are walked
  recursively in sorted order, hidden entries skipped, never-article files (README.md, images) passed over.
- records (records.py): docs/records.md input format; source "path.jsonl:LINE" (JSONL), "path.json[i]"
  (a list in a .json file); `id` -> external_id; title/published_at/outlet -> given_*.
- WARC (warc.py): HTML responses (and text conversion records) -> source "path@OFFSET", url, fetched_at.
- "-" (sources.py): stdin, sniffed; JSONL is streamed, source "<stdin>" or "<stdin>:LINE".
- http(s) URLs (web.py, feeds.py): pages or feeds; each feed item's page is fetched with its
  title/date as given_*. robots.txt, Crawl-delay, timeouts, size cap, retries with backoff.
- decode.py turns bytes into text for all of them (BOM, UTF-8, declared charset, detection).

Problems are yielded, never raised: W001 missing, W002 unreadable, W003 binary, W004 empty, W005 over
ingest.max_bytes, W006 bad JSON, W007 bad WARC, W009 fetch failed, W010 robots.txt, W011 bad feed,
W012 unsupported input, W013 record without text/html, W014 replacement characters (a warning),
W090 an unexpected error in one input (a bug; the run goes on).
"""

from wirewatch.ingest.sources import read_inputs

__all__ = ["read_inputs"]
