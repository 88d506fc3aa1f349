"""Synthetic, labelled corpora for benchmarks and tests (built from our own base articles)."""
