"""Text in one case gets its names' capitals back from name indexes built once into the user's
cache folder, not rebuilt from the whole gazetteer by every process."""

from __future__ import annotations

import pytest

pytest.importorskip("spacy")  # the common words that keep their case are spaCy's stop words

from wirewatch.extract import case  # noqa: E402

TEXT = "GUNMEN KILLED FIVE PEOPLE IN KANDAHAR, AFGHANISTAN, ON MONDAY, THE ALPHA FRONT SAID."


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    folder = tmp_path / "cache"
    monkeypatch.setenv("WIREWATCH_CACHE_DIR", str(folder))
    case._case_names.cache_clear()
    yield folder
    case._case_names.cache_clear()


def _no_gazetteer(*_args, **_kwargs):  # type: ignore[no-untyped-def]
    raise AssertionError("the name indexes were rebuilt from the gazetteer")


def test_names_are_built_once_then_loaded(cache_dir, monkeypatch):
    first = case.recase(TEXT)
    assert "Kandahar, Afghanistan" in first
    assert len(list(cache_dir.glob("case-names-*.json"))) == 1
    case._case_names.cache_clear()  # a new process
    monkeypatch.setattr(case, "known_place_forms", _no_gazetteer)
    assert case.recase(TEXT) == first


def test_a_changed_actor_dictionary_builds_new_indexes(cache_dir, monkeypatch):
    assert "Alpha Front" not in case.recase(TEXT)
    forms = case.known_actor_forms()
    monkeypatch.setattr(case, "known_actor_forms", lambda: [*forms, "Alpha Front"])
    case._case_names.cache_clear()
    assert "the Alpha Front said" in case.recase(TEXT)
    assert len(list(cache_dir.glob("case-names-*.json"))) == 1  # the old file went


def test_an_unreadable_file_is_rebuilt_with_a_one_line_warning(cache_dir, capsys):
    case.recase(TEXT)
    (path,) = cache_dir.glob("case-names-*.json")
    path.write_text('{"names": ', encoding="utf-8")
    case._case_names.cache_clear()
    assert "Kandahar, Afghanistan" in case.recase(TEXT)
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "W024" in err[0] and path.name in err[0]
