"""Coded, user-facing errors: one line each, naming the input and the problem.

A user error never shows a traceback. Stages report bad input as an `InputProblem`
(the run goes on with the rest); the CLI prints `problem.line()` on stderr and the
run summary counts problems by code.
"""

from __future__ import annotations

from dataclasses import dataclass

# code -> short meaning (docs/errors.md lists them; a test checks both agree)
CODES: dict[str, str] = {
    "W001": "input not found",
    "W002": "input not readable",
    "W003": "input is binary, not text or HTML",
    "W004": "input is empty",
    "W005": "input is larger than the size cap",
    "W006": "malformed JSON or JSONL",
    "W007": "malformed WARC",
    "W008": "malformed HTML or no text could be extracted",
    "W009": "network fetch failed",
    "W010": "fetch disallowed by robots.txt",
    "W011": "malformed feed",
    "W012": "unsupported input type",
    "W013": "record has neither text nor html",
    "W014": "text decoded with replacement characters",
    "W020": "database error",
    "W021": "configuration error",
    "W030": "gold file malformed",
    "W040": "bad filter, sort or export option",
    "W041": "authentication required or token rejected",
    "W042": "no such record",
    "W090": "internal error on one document (a bug: please report it); the run went on",
}


@dataclass(slots=True)
class InputProblem:
    """A problem with one input; the run continues with the rest."""

    source: str
    code: str
    message: str
    fatal: bool = True  # False: a warning, the document was still processed

    def line(self) -> str:
        kind = "error" if self.fatal else "warning"
        return f"{kind} {self.code}: {self.source}: {self.message}"


class WirewatchError(Exception):
    """An error the user can act on; the CLI prints it as one line and exits non-zero."""

    def __init__(self, code: str, message: str, exit_code: int = 2):
        super().__init__(message)
        self.code = code
        self.message = message
        self.exit_code = exit_code

    def line(self) -> str:
        return f"error {self.code}: {self.message}"
