"""Connected components of a graph held as an RDD of edges: the large-star / small-star
algorithm (Kiveris et al., "Connected Components in MapReduce and Beyond", SoCC 2014).

Nodes are integers (publication ranks), so a component's label, its smallest node, is its
earliest member. Each round is two shuffles; the number of rounds grows with the logarithm
of the component size. Plain PySpark: no graph package, nothing fetched at run time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

MAX_ROUNDS = 64  # far more than the log2 of any component's size


def _large_star(item: tuple[int, Iterable[int]]) -> Iterator[tuple[int, int]]:
    """Link every larger neighbour of a node to the smallest node of its neighbourhood."""
    node, neighbours = item
    around = set(neighbours)
    smallest = min(around | {node})
    for v in around:
        if v > node:
            yield (v, smallest)


def _small_star(item: tuple[int, Iterable[int]]) -> Iterator[tuple[int, int]]:
    """Link a node and its smaller neighbours to the smallest of them."""
    node, neighbours = item
    around = set(neighbours) | {node}
    smallest = min(around)
    for v in around:
        if v != smallest:
            yield (v, smallest)


def _both_ways(edge: tuple[int, int]) -> list[tuple[int, int]]:
    u, v = edge
    return [(u, v), (v, u)]


def _larger_first(edge: tuple[int, int]) -> tuple[int, int]:
    u, v = edge
    return (u, v) if u > v else (v, u)


def _same_edges(a: Any, b: Any, partitions: int) -> bool:
    """Whether two edge RDDs hold the same edges (one job: an edge on one side only is a change)."""
    sides = a.map(lambda e: (e, 1)).union(b.map(lambda e: (e, 2))).reduceByKey(lambda x, y: x | y, partitions)
    return sides.filter(lambda kv: kv[1] != 3).isEmpty()


def component_labels(edges: Any, partitions: int) -> Any:
    """RDD of (node, label) for every node on an edge: label = the smallest node of its
    component. `edges` is an RDD of (u, v) pairs; nodes on no edge are their own component."""
    current = edges.filter(lambda e: e[0] != e[1]).map(_larger_first).distinct(partitions).persist()
    for _ in range(MAX_ROUNDS):
        large = current.flatMap(_both_ways).groupByKey(partitions).flatMap(_large_star)
        small = large.map(_larger_first).groupByKey(partitions).flatMap(_small_star).distinct(partitions)
        small = small.persist()
        settled = _same_edges(current, small, partitions)
        current.unpersist()
        current = small
        if settled:
            break
    # a star now: every edge joins a node to its component's smallest node
    return current.union(current.map(lambda e: (e[1], e[1]))).distinct(partitions)
