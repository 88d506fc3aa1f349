"""Users add their own chrome rules in a JSON file shaped like clean/rules/chrome.json."""

import json

import pytest

from wirewatch.clean import clean_document
from wirewatch.config import CleanOptions
from wirewatch.errors import WirewatchError
from wirewatch.records import RawDocument

STORY = (
    "Gunmen on motorcycles attacked a market in the north of the district on Friday, killing four "
    "traders and wounding six others, police said.\n\n"
    "Shops stayed closed on Saturday as security forces searched nearby villages."
)
PAGE = f"Frontier Wire Plus\n\n{STORY}\n\nListen to our podcast every Monday\n\nOur Picks\nCanal works delayed again\nNew ferry for the lake towns"


def test_user_rules_remove_their_own_chrome(tmp_path):
    rules = {
        "line_rules": [{"name": "podcast-promo", "regex": ["^listen to our podcast"]}],
        "block_rules": [{"name": "our-picks", "start_regex": ["^our picks$"]}],
    }
    path = tmp_path / "my_rules.json"
    path.write_text(json.dumps(rules), encoding="utf-8")
    raw = RawDocument(source="p.txt", kind="text", content=PAGE)
    without = clean_document(raw, CleanOptions())
    assert "Listen to our podcast" in without.text
    a = clean_document(raw, CleanOptions(chrome_rule_files=[str(path)]))
    assert a.text == STORY
    reasons = {item["reason"] for item in a.removed}
    assert {"podcast-promo", "our-picks"} <= reasons


def test_missing_or_broken_rules_file_is_a_configuration_error(tmp_path):
    raw = RawDocument(source="p.txt", kind="text", content=STORY)
    with pytest.raises(WirewatchError) as missing:
        clean_document(raw, CleanOptions(chrome_rule_files=[str(tmp_path / "nope.json")]))
    assert missing.value.code == "W021" and "not found" in missing.value.message
    broken = tmp_path / "broken.json"
    broken.write_text('{"line_rules": [{"name": "x", "regex": ["("]}]}', encoding="utf-8")
    with pytest.raises(WirewatchError) as bad:
        clean_document(raw, CleanOptions(chrome_rule_files=[str(broken)]))
    assert bad.value.code == "W021" and "broken.json" in bad.value.message
