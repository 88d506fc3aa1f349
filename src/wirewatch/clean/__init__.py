"""Clean: RawDocument -> Article (body text without chrome, metadata with where it came from).

Contract: `clean_document(raw, options) -> Article | InputProblem`.

One module per concern:
- `html`: HTML page -> body lines and the page's metadata (trafilatura, then jusText, then lxml).
- `normalize`: lines and paragraphs; hard-wrapped copy joined, blank-line runs collapsed.
- `text`: site chrome (menus, app prompts, share labels, ads, disclaimers, related-story lists,
  teasers repeated in full below).
- `metadata`: headline, byline, agency, dateline, sign-off and editor slug, dates with their zone.
- `language`: ISO 639-1 code of the body (py3langid); every language is kept.
- `document`: the order of the steps and which source wins for each field.

Every pattern and word list is data in `clean/rules/*.json`; each rule has a name, and
`Article.removed` lists what was dropped with that name as the reason.
"""

from wirewatch.clean.document import clean_document

__all__ = ["clean_document"]
