"""Lists of up to `size` items from any iterable, consumed as they come (Python 3.11 has no
itertools.batched): the run's stages and the Spark job's partitions take their work this way."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any


def batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
