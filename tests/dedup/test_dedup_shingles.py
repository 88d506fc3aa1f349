"""Normalisation, shingles and signatures."""

from __future__ import annotations

import numpy as np

from wirewatch.dedup.shingles import fingerprints, normalise_words, overlap, prose_lines
from wirewatch.dedup.signature import band_keys, signatures


def test_normalise_folds_case_quotes_diacritics_and_mojibake() -> None:
    clean = normalise_words('Don\'t panic: the café said "yes".')
    assert normalise_words("DON\u2019T panic \u2014 the Cafe said \u201cyes\u201d") == clean
    assert (
        normalise_words(
            "Don\u00e2\u20ac\u2122t panic: the caf\u00c3\u00a9 said \u00e2\u20ac\u0153yes\u00e2\u20ac\ufffd."
        )
        == clean
    )


def test_overlap_gives_jaccard_and_containment() -> None:
    a, b = fingerprints(
        ["one two three four five six seven eight", "zero one two three four five six seven eight nine"], 3
    )
    jaccard, containment, shared = overlap(a.shingles, b.shingles)
    assert containment == 1.0 and shared == len(a.shingles) and 0 < jaccard < 1


def test_exact_hash_ignores_formatting_only() -> None:
    a, b, c = fingerprints(["Rain, rain!", "rain rain", "rain again"], 5)
    assert a.text_hash == b.text_hash != c.text_hash


def test_prose_lines_drop_menus_and_headline_lists() -> None:
    text = (
        "Home | World | Sport\nA headline with many words about the floods in the north today\n"
        "Rising water has cut off at least 42 villages in the north, officials said on Thursday.\n"
        "Related Stories\nA teachers strike closes schools across the province"
    )
    assert (
        prose_lines(text, 8)
        == "Rising water has cut off at least 42 villages in the north, officials said on Thursday."
    )


def test_signatures_and_band_keys_are_deterministic_signed_64_bit() -> None:
    fps = fingerprints(["a b c d e f g h i j k l m n o p q r s t u v w x y z"] * 2, 5)
    sigs = signatures([f.shingles for f in fps], 16)
    keys = band_keys(sigs, 16)
    assert sigs.shape == (2, 16) and keys.dtype == np.int64
    assert (keys[0] == keys[1]).all() and len(set(keys[0].tolist())) == 16


def test_vectorised_prose_selection_agrees_with_prose_lines() -> None:
    """fingerprints() picks prose lines for a whole chunk with numpy; `prose_lines` is the
    readable reference, and both must keep the same words."""
    import random

    rng = random.Random(4)
    vocab = ["the", "army", "said", "on", "Monday", "U.S.", "3.5", "villages", "(police)", "rebels", "were", "seen"]
    endings = ["", ".", '."', ".)", "?", "!", '!")', ". ", ".\t", "...", "\u201d", ".\u201d", ".\u2019"]
    texts = []
    for _ in range(300):
        lines = []
        for _ in range(rng.randint(1, 12)):
            words = [rng.choice(vocab) for _ in range(rng.randint(0, 14))]
            lines.append(" ".join(words) + rng.choice(endings))
            if rng.random() < 0.15:
                lines.append("")  # a blank line, or a hard wrap when the next line starts lower-case
        texts.append("\n".join(lines))
    for size in (1, 3, 5):
        chunked = fingerprints(texts, size, 8)
        reference = fingerprints([prose_lines(t, 8) for t in texts], size, 0)
        for text, got, want in zip(texts, chunked, reference, strict=True):
            assert np.array_equal(got.raw, want.raw), text
            assert got.numbers == want.numbers and got.text_hash == want.text_hash
