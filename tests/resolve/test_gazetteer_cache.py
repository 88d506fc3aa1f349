"""The built-once cache: the gazetteer's stored index answers like the in-memory build, the
entity ruler's phrase index matches like spaCy's PhraseMatcher, a changed input builds a new file,
and an unreadable file is rebuilt with a one-line warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from wirewatch.resolve import gazetteer_cache, places
from wirewatch.resolve.gazetteer_cache import cached_file


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    folder = tmp_path / "cache"
    monkeypatch.setenv("WIREWATCH_CACHE_DIR", str(folder))
    yield folder


def _clear_place_caches() -> None:
    for fn in (places._gazetteer, places._place_patterns, places.place_patterns_key, places._resolve_cached):
        fn.cache_clear()


@pytest.fixture
def fresh_gazetteer(cache_dir):  # type: ignore[no-untyped-def]
    """The gazetteer read from (and built into) an empty cache folder; the process's one after."""
    _clear_place_caches()
    yield cache_dir
    _clear_place_caches()


def _text_file(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def test_cached_file_builds_once_then_loads(cache_dir):
    builds = []

    def build(path: Path) -> None:
        builds.append(path)
        _text_file(path, "v1")

    def load(path: Path) -> str:
        return path.read_text(encoding="utf-8")

    assert cached_file("thing", "k1", ".txt", build, load) == "v1"
    assert cached_file("thing", "k1", ".txt", build, load) == "v1"
    assert len(builds) == 1 and (cache_dir / "thing-k1.txt").exists()


def test_changed_inputs_get_a_new_file_and_the_old_one_goes(cache_dir):
    def load(path: Path) -> str:
        return path.read_text(encoding="utf-8")

    cached_file("thing", "k1", ".txt", lambda p: _text_file(p, "old"), load)
    assert cached_file("thing", "k2", ".txt", lambda p: _text_file(p, "new"), load) == "new"
    assert sorted(p.name for p in cache_dir.iterdir()) == ["thing-k2.txt"]


def test_gazetteer_key_follows_its_data_and_code(monkeypatch):
    before = places._gazetteer_key()
    real = places.package_bytes

    def changed(package: str, *names: str) -> list[bytes]:
        data = real(package, *names)
        return [d + b"\n" if n == "gazetteer.tsv.gz" else d for d, n in zip(data, names, strict=True)]

    monkeypatch.setattr(places, "package_bytes", changed)
    assert places._gazetteer_key() != before


def test_unreadable_cache_file_is_rebuilt_with_one_line_warning(cache_dir, capsys):
    cache_dir.mkdir()
    _text_file(cache_dir / "thing-k1.txt", "garbage")

    def load(path: Path) -> str:
        text = path.read_text(encoding="utf-8")
        if text != "good":
            raise ValueError("not a thing file")
        return text

    assert cached_file("thing", "k1", ".txt", lambda p: _text_file(p, "good"), load) == "good"
    err = capsys.readouterr().err.strip()
    assert err.startswith("warning W024: ") and "thing-k1.txt" in err and "\n" not in err


def test_unwritable_cache_folder_builds_in_memory(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("WIREWATCH_CACHE_DIR", str(blocker / "cache"))
    assert cached_file("thing", "k", ".txt", lambda p: _text_file(p, "x"), lambda p: p.read_text()) == "x"


def test_corrupt_gazetteer_index_is_rebuilt(fresh_gazetteer, capsys):
    gaz = places._gazetteer()
    [path] = fresh_gazetteer.glob("gazetteer-*.sqlite")
    del gaz
    _clear_place_caches()
    path.write_bytes(b"this is not an SQLite file" * 100)
    assert places.resolve_place("Kandahar").iso3 == "AFG"
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("warning W024: ") and path.name in err[0]


def test_stored_index_answers_like_the_in_memory_build():
    built = places._Gazetteer()  # the reference: what every process used to build at start
    stored = places._gazetteer()
    keys = list(built.by_name)
    assert len(stored.entries) == len(built.entries)
    for key in keys[::211] + ["baghdad", "deir ez zor", "no such place at all"]:
        assert stored.by_name.get(key) == built.by_name.get(key), key
        for i in built.by_name.get(key, [])[:3]:
            assert stored.entries[i] == built.entries[i]
    for first in "akqz":
        assert stored.fuzzy_keys(first, frozenset()) == built.fuzzy_keys(first, frozenset())
    for allowed in (frozenset({"SYR"}), frozenset({"NGA", "NER"})):
        assert stored.fuzzy_keys("", allowed) == built.fuzzy_keys("", allowed)
        reference = built.skeletons(allowed)
        for skel in list(reference)[::97] + ["zzzzzz"]:
            assert stored.skeletons(allowed).get(skel, []) == reference.get(skel, []), skel
    reference = built.skeletons()
    for skel in list(reference)[::997]:
        assert stored.skeletons().get(skel, []) == reference.get(skel, []), skel
    assert stored.country_by_iso3 == built.country_by_iso3
    assert stored.country_names == built.country_names


def test_phrase_index_matches_like_spacy_phrase_matcher(cache_dir, monkeypatch):
    spacy = pytest.importorskip("spacy")
    from wirewatch.extract import nlp as nlp_module

    sample = [nlp_module._as_phrase(p) for p in places.place_patterns()[::7]]
    sample += [
        {"label": "ACTOR", "id": "Group A", "pattern": "kata'ib hezbollah"},
        {"label": "ACTOR", "id": "Group B", "pattern": "kata’ib hezbollah"},
        {"label": "GPE", "id": "Two", "pattern": "north kivu"},
        {"label": "GPE", "id": "Two bis", "pattern": "north kivu"},
    ]
    ours, theirs = _ours_and_spacys_ruler(spacy, monkeypatch, actors=[], places=sample)
    names = [p["pattern"] for p in sample if isinstance(p["pattern"], str)][::5]
    texts = [f"Fighting near {n.title()} and in {n} spread, then {n.upper()} fell." for n in names]
    texts += ["Kata'ib Hezbollah fired on North Kivu.", "Nothing here at all."]
    _assert_same_entities(ours, theirs, texts)


def _ours_and_spacys_ruler(spacy, monkeypatch, *, actors: list[dict], places: list[dict]):  # type: ignore[no-untyped-def]
    """A blank pipeline with our entity ruler over these patterns, and one with spaCy's."""
    from wirewatch.extract import nlp as nlp_module

    monkeypatch.setattr(nlp_module, "actor_patterns", lambda: list(actors))
    monkeypatch.setattr(nlp_module, "place_patterns", lambda: list(places))
    monkeypatch.setattr(nlp_module, "place_patterns_key", lambda: f"test-{len(places)}")
    ours = spacy.blank("en")
    nlp_module._add_entity_ruler(ours, "blank")
    theirs = spacy.blank("en")
    ruler = theirs.add_pipe("entity_ruler", config={"overwrite_ents": True, "phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(actors + places)
    return ours, theirs


def _assert_same_entities(ours, theirs, texts: list[str]) -> None:  # type: ignore[no-untyped-def]
    for text in texts:
        got = [(e.start, e.end, e.label_, e.ent_id_) for e in ours(text).ents]
        want = [(e.start, e.end, e.label_, e.ent_id_) for e in theirs(text).ents]
        assert got == want, text


def test_exact_word_patterns_match_like_spacy_entity_ruler(cache_dir, monkeypatch):
    # token patterns listing only exact words (ORTH) are matched by our index, not spaCy's
    # Matcher: the same entities, case-sensitive, beside LOWER phrases and other token patterns
    spacy = pytest.importorskip("spacy")
    actors = [
        {"label": "ACTOR", "id": "Defence Force", "pattern": [{"ORTH": "IDF"}]},
        {"label": "ACTOR", "id": "Army", "pattern": [{"ORTH": "FARDC"}]},
        {"label": "ACTOR", "id": "Front", "pattern": [{"ORTH": "Front"}, {"ORTH": "de"}, {"ORTH": "Libération"}]},
        {"label": "ACTOR", "pattern": [{"ORTH": "RSF"}]},
        {"label": "ACTOR", "id": "Brigade", "pattern": [{"IS_TITLE": True}, {"LOWER": "brigade"}]},
        {"label": "ACTOR", "id": "Alpha", "pattern": [{"LOWER": "alpha"}, {"LOWER": "front"}]},
        {"label": "ORG", "id": "Army bis", "pattern": [{"ORTH": "FARDC"}]},
    ]
    ours, theirs = _ours_and_spacys_ruler(spacy, monkeypatch, actors=actors, places=[])
    assert len(ours.get_pipe("entity_ruler").matcher) == 1  # only the IS_TITLE pattern is left to it
    texts = [
        "The IDF and the FARDC met the Front de Libération; idf, Idf and fardc did not.",
        "RSF fighters and the Red Brigade clashed with the Alpha Front near FARDC positions.",
        "front de libération, FRONT DE LIBÉRATION and Front de Libération.",
        "Nothing here at all.",
    ]
    _assert_same_entities(ours, theirs, texts)
    assert [e.text for e in ours(texts[0]).ents] == ["IDF", "FARDC", "Front de Libération"]


def test_ruler_cache_follows_the_actor_dictionary(cache_dir, monkeypatch):
    spacy = pytest.importorskip("spacy")
    from wirewatch.extract import nlp as nlp_module

    monkeypatch.setattr(nlp_module, "place_patterns", lambda: [])
    monkeypatch.setattr(nlp_module, "place_patterns_key", lambda: "none")
    actors = [{"label": "ACTOR", "id": "Alpha", "pattern": [{"LOWER": "alpha"}, {"LOWER": "front"}]}]
    monkeypatch.setattr(nlp_module, "actor_patterns", lambda: list(actors))
    first = nlp_module._ruler_patterns(spacy.blank("en"), "blank")
    actors.append({"label": "ACTOR", "id": "Beta", "pattern": [{"LOWER": "beta"}, {"LOWER": "brigade"}]})
    second = nlp_module._ruler_patterns(spacy.blank("en"), "blank")
    assert [r[1] for r in first["phrases"]] == ["Alpha"]
    assert [r[1] for r in second["phrases"]] == ["Alpha", "Beta"]
    assert len(list(cache_dir.glob("ruler-*.json"))) == 1


def test_cache_dir_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("WIREWATCH_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert gazetteer_cache.cache_dir() == tmp_path / "wirewatch"
