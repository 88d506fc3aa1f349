"""Coded, user-facing errors: one line each, naming the input and the problem.

A user error never shows a traceback. Stages report bad input as an `InputProblem`
(the run goes on with the rest); the CLI prints `problem.line()` on stderr and the
run summary counts problems by code.

Code refers to a problem by its name (`errors.NO_SUCH_RECORD`), never by its string, so a
misspelt code fails when the module is imported rather than reaching a user.
"""

from __future__ import annotations

from dataclasses import dataclass

from wirewatch.safe_text import storable

INPUT_NOT_FOUND = "W001"
INPUT_NOT_READABLE = "W002"
INPUT_BINARY = "W003"
INPUT_EMPTY = "W004"
INPUT_TOO_LARGE = "W005"
MALFORMED_JSON = "W006"
MALFORMED_WARC = "W007"
NO_TEXT = "W008"
FETCH_FAILED = "W009"
ROBOTS_DISALLOWED = "W010"
MALFORMED_FEED = "W011"
UNSUPPORTED_INPUT = "W012"
RECORD_WITHOUT_TEXT = "W013"
DECODING_REPLACED = "W014"
DATABASE_ERROR = "W020"
CONFIG_ERROR = "W021"
DATABASE_BUSY = "W022"
CANNOT_LISTEN = "W023"
CACHE_REBUILT = "W024"
INDEX_MISSING = "W025"
GOLD_FILE_MALFORMED = "W030"
BAD_OPTION = "W040"
NOT_AUTHORISED = "W041"
NO_SUCH_RECORD = "W042"
REQUEST_TOO_LARGE = "W043"
TOO_MANY_REQUESTS = "W044"
TEXT_REPAIRED = "W050"
ADDRESS_NOT_ALLOWED = "W051"
DEADLINE_PASSED = "W052"
OVER_TIME_BUDGET = "W053"
PART_SKIPPED = "W054"
SPARK_UNAVAILABLE = "W055"
INTERNAL_ERROR = "W090"

# code -> short meaning (docs/errors.md is generated from it; a test checks both agree)
CODES: dict[str, str] = {
    INPUT_NOT_FOUND: "input not found",
    INPUT_NOT_READABLE: "input not readable",
    INPUT_BINARY: "input is binary, not text or HTML",
    INPUT_EMPTY: "input is empty",
    INPUT_TOO_LARGE: "input is larger than the size cap",
    MALFORMED_JSON: "malformed JSON or JSONL",
    MALFORMED_WARC: "malformed WARC",
    NO_TEXT: "malformed HTML or no text could be extracted",
    FETCH_FAILED: "network fetch failed",
    ROBOTS_DISALLOWED: "fetch disallowed by robots.txt",
    MALFORMED_FEED: "malformed feed",
    UNSUPPORTED_INPUT: "unsupported input type",
    RECORD_WITHOUT_TEXT: "record has neither text nor html",
    DECODING_REPLACED: "text decoded with replacement characters",
    DATABASE_ERROR: "database error",
    CONFIG_ERROR: "configuration error",
    DATABASE_BUSY: "database busy: another wirewatch process is writing to it (wait, or pass --wait)",
    CANNOT_LISTEN: "the API cannot listen on that address (port in use, or not allowed)",
    CACHE_REBUILT: "a built-once cache file was unreadable and was rebuilt",
    INDEX_MISSING: "a database index could not be made: the filters it serves still work, but scan",
    GOLD_FILE_MALFORMED: "gold file malformed",
    BAD_OPTION: "bad filter, sort or export option",
    NOT_AUTHORISED: "authentication required or token rejected",
    NO_SUCH_RECORD: "no such record",
    REQUEST_TOO_LARGE: "request body larger than the API accepts ([api] max_body_bytes)",
    TOO_MANY_REQUESTS: "too many requests from one client ([api] rate_limit_per_minute)",
    TEXT_REPAIRED: "invalid Unicode (lone surrogates) or NUL characters replaced with U+FFFD",
    ADDRESS_NOT_ALLOWED: "fetch refused: the address is loopback, private, link-local or reserved",
    DEADLINE_PASSED: "a source's or item's deadline passed: the rest of it was skipped",
    OVER_TIME_BUDGET: "an article took longer than its time budget: marked and skipped",
    PART_SKIPPED: "only part of an input was looked at (a stage's cap); the rest was skipped",
    SPARK_UNAVAILABLE: "Spark could not start or run the job (PySpark or Java missing, or a Spark error)",
    INTERNAL_ERROR: "internal error on one document (a bug: please report it); the run went on",
}


@dataclass(slots=True)
class InputProblem:
    """A problem with one input; the run continues with the rest."""

    source: str
    code: str
    message: str
    fatal: bool = True  # False: a warning, the document was still processed

    def __post_init__(self) -> None:
        # a problem names its input as the input named itself (a file name that is not UTF-8, a
        # JSON key with a lone surrogate): made printable and storable here, once
        self.source, self.message = storable(self.source) or "", storable(self.message) or ""

    def line(self) -> str:
        kind = "error" if self.fatal else "warning"
        return f"{kind} {self.code}: {self.source}: {self.message}"


class WirewatchError(Exception):
    """An error the user can act on; the CLI prints it as one line and exits non-zero."""

    def __init__(self, code: str, message: str, exit_code: int = 2):
        message = storable(message) or ""
        super().__init__(message)
        self.code = code
        self.message = message
        self.exit_code = exit_code

    def line(self) -> str:
        return f"error {self.code}: {self.message}"
