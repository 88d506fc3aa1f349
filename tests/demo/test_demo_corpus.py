"""The bundled demo corpus: present in the package, well formed, and described by its README."""

from __future__ import annotations

import json

from wirewatch.demo import corpus_path

ARTICLE_SUFFIXES = {".txt", ".html", ".jsonl"}


def _article_files():
    return sorted(p for p in corpus_path().iterdir() if p.suffix in ARTICLE_SUFFIXES)


def test_corpus_path_is_a_folder_of_articles():
    folder = corpus_path()
    assert folder.is_dir()
    files = _article_files()
    records = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in files if p.suffix == ".jsonl")
    articles = sum(1 for p in files if p.suffix != ".jsonl") + records
    assert 16 <= articles <= 24


def test_jsonl_records_follow_the_input_format():
    for path in (p for p in _article_files() if p.suffix == ".jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            assert ("text" in record) != ("html" in record)
            assert {"id", "url", "title", "published_at", "outlet"} <= set(record)


def test_readme_describes_every_file():
    readme = (corpus_path() / "README.md").read_text(encoding="utf-8")
    assert "we wrote ourselves" in readme
    for path in _article_files():
        assert f"`{path.name}`" in readme, path.name


def test_the_wire_story_is_republished_with_its_text_intact():
    plain = (corpus_path() / "01_ians_waziristan_clash.txt").read_text(encoding="utf-8")
    scraped = (corpus_path() / "02_scraped_waziristan_clash.txt").read_text(encoding="utf-8")
    trimmed = (corpus_path() / "03_republished_waziristan_clash.txt").read_text(encoding="utf-8")
    assert plain.rstrip().endswith("sjt/rkd") and not plain.endswith("\n")
    body = plain.split("\n\n")[1]
    assert body in scraped and body in trimmed
    assert "Related Stories" in scraped and "Open in App" in scraped and "..." in scraped
