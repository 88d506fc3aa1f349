"""MinHash signatures and LSH band keys, computed in bulk.

rensa (Rust) computes the MinHash digests of many documents from one flat buffer of
shingle hashes; we picked it over datasketch because it is maintained and an order of
magnitude faster (bench/dedup_bench.py prints both). Band keys are mixed with numpy.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rensa import RMinHash

SIGNATURE_SEED = 20240208  # changing it invalidates stored band keys
_BAND_BITS = 6  # top bits of a band key hold the band number (up to 64 bands)
_LOW_MASK = np.uint64((1 << (64 - _BAND_BITS)) - 1)
_ROW_MIX = np.uint64(0x9E3779B97F4A7C15)


def signatures(shingle_sets: Sequence[np.ndarray], num_perm: int) -> np.ndarray:
    """MinHash digests, one uint32 row of `num_perm` values per shingle set."""
    if not shingle_sets:
        return np.empty((0, num_perm), dtype=np.uint32)
    lengths = np.fromiter((len(s) for s in shingle_sets), dtype=np.uint64, count=len(shingle_sets))
    offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.uint64)
    flat = np.concatenate(shingle_sets).astype(np.uint64, copy=False)
    matrix = RMinHash.digest_matrix_from_flat_token_hashes(flat, offsets, num_perm, SIGNATURE_SEED)
    return np.asarray(matrix.to_rows(), dtype=np.uint32).reshape(len(shingle_sets), num_perm)


def band_keys(sigs: np.ndarray, bands: int) -> np.ndarray:
    """Signed 64-bit LSH keys, one per band: the band number in the top bits, its rows mixed below."""
    n, num_perm = sigs.shape
    rows = num_perm // bands
    cut = sigs[:, : bands * rows].astype(np.uint64).reshape(n, bands, rows)
    with np.errstate(over="ignore"):
        acc = cut[:, :, 0].copy()
        for r in range(1, rows):  # rows per band: a handful
            acc = (acc * _ROW_MIX) ^ cut[:, :, r]
        if rows > 1:
            acc ^= acc >> np.uint64(31)
    band_no = np.arange(bands, dtype=np.uint64) << np.uint64(64 - _BAND_BITS)
    return ((acc & _LOW_MASK) | band_no).view(np.int64)
