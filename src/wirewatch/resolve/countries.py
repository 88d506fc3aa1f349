"""Countries: the gazetteer's country table, the other names of each country
(`data/country_names.json`) and the rule that tells a short form of a name ("US", "Burma", "DRC")
from a demonym ("Iranian"). The place resolver and the actor dictionary (which names every
country's state forces) both read them.
"""

from __future__ import annotations

import gzip
import json
import re
from functools import lru_cache
from importlib import resources

__all__ = ["DEMONYM_END", "country_name_forms", "country_table", "is_place_form"]

DEMONYM_END = re.compile(r"(ian|ians|ese|ish|ean|eans|an|ans|i|is|ic|ch|ss|'s|’s)$")
# short forms that name a government or a regime, not a place
_NOT_PLACE_FORMS = {"kremlin", "islamic republic", "prc", "dprk", "rok"}
# names that end like a demonym but are places
_PLACES_LIKE_DEMONYMS = {"Taiwan", "Vietnam", "Viet Nam", "Kosovo"}


def is_place_form(form: str) -> bool:
    """Short forms name a place ('US', 'Burma', 'DRC'); demonyms ('Iranian') do not."""
    if form.isupper() or "." in form:
        return form.casefold() not in _NOT_PLACE_FORMS
    if form.casefold() in _NOT_PLACE_FORMS:
        return False
    return not DEMONYM_END.search(form) or form in _PLACES_LIKE_DEMONYMS


def country_name_forms() -> dict[str, list[str]]:
    """ISO alpha-3 -> the other names of the country: short forms and demonyms."""
    text = resources.files("wirewatch.resolve.data").joinpath("country_names.json").read_text("utf-8")
    return json.loads(text)["names"]


@lru_cache(maxsize=1)
def country_table() -> tuple[tuple[str, str, int, tuple[str, ...]], ...]:
    """(iso3, display name, ISO numeric, aliases) of every gazetteer country, read without loading
    the whole gazetteer (countries come first in the file)."""
    out = []
    path = resources.files("wirewatch.resolve.data").joinpath("gazetteer.tsv.gz")
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            row = line.rstrip("\n").split("\t")
            if row[0] != "country":
                break
            aliases = tuple(a for a in row[3].split("|") if a)
            out.append((row[5], row[2], int(row[6]) if row[6].isdigit() else 0, aliases))
    return tuple(out)
