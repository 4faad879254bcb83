"""Which quotes to label next: most uncertain first, spread across speakers and articles (pure).

Used by the review queue and by `evaluate_corrections --strategy uncertainty`, so the ranking
that is measured is the one editors work through.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence


def margin_uncertainty(scores: Mapping[str, float]) -> float:
    """1 minus the margin between the two likeliest labels: 1 is a coin toss, 0 is certain."""
    top = sorted(scores.values(), reverse=True)
    if not top:
        return 1.0
    second = top[1] if len(top) > 1 else 0.0
    return 1.0 - (top[0] - second)


def rank_for_labelling(
    scores: Sequence[Mapping[str, float]],
    groups: Sequence[Sequence[Hashable]] | None = None,
    *,
    diversity: float = 0.5,
) -> list[int]:
    """Indices of `scores` in the order a person should label them.

    Greedy: each pick is the candidate with the highest uncertainty, discounted by `diversity`
    once for every earlier pick that shares one of its groups (e.g. its speaker, its article),
    so ten near-identical quotes of one speaker do not crowd out the rest. `diversity` 0 is pure
    uncertainty order; ties keep the input order.
    """
    if not 0.0 <= diversity < 1.0:
        raise ValueError("diversity must be in [0, 1)")
    groups = groups if groups is not None else [()] * len(scores)
    if len(groups) != len(scores):
        raise ValueError("scores and groups differ in length")
    keys = [[(slot, value) for slot, value in enumerate(item) if value is not None] for item in groups]
    uncertainty = [margin_uncertainty(item) for item in scores]
    seen: Counter = Counter()

    def priority(index: int) -> float:
        repeats = sum(seen[key] for key in keys[index])
        return uncertainty[index] * (1.0 - diversity) ** repeats

    # Lazy greedy: a priority only ever falls, so a popped entry whose stored priority is
    # still current is the best remaining one.
    heap = [(-uncertainty[index], index) for index in range(len(scores))]
    heapq.heapify(heap)
    order: list[int] = []
    while heap:
        stored, index = heapq.heappop(heap)
        current = priority(index)
        if -stored > current and heap and -heap[0][0] > current:
            heapq.heappush(heap, (-current, index))
            continue
        order.append(index)
        seen.update(keys[index])
    return order
