"""The ranking of what to label next: uncertainty first, spread across speakers and articles."""
import pytest

from quotes.stance.selection import margin_uncertainty, rank_for_labelling


def scores(favor, against, none):
    return {"favor": favor, "against": against, "none": none}


def test_margin_uncertainty_is_one_for_a_tie_and_zero_for_certainty():
    assert margin_uncertainty(scores(0.45, 0.45, 0.10)) == pytest.approx(1.0)
    assert margin_uncertainty(scores(1.0, 0.0, 0.0)) == pytest.approx(0.0)
    assert margin_uncertainty(scores(0.6, 0.3, 0.1)) == pytest.approx(0.7)


def test_without_diversity_the_most_uncertain_come_first_and_ties_keep_their_order():
    items = [scores(0.9, 0.05, 0.05), scores(0.4, 0.35, 0.25), scores(0.6, 0.3, 0.1), scores(0.4, 0.35, 0.25)]
    assert rank_for_labelling(items, diversity=0.0) == [1, 3, 2, 0]


def test_diversity_lets_another_speaker_through_before_a_third_quote_of_the_same_one():
    # Speaker A has three near-coin-toss quotes; speaker B one a little less uncertain.
    items = [scores(0.40, 0.38, 0.22), scores(0.41, 0.38, 0.21), scores(0.42, 0.38, 0.20), scores(0.5, 0.3, 0.2)]
    groups = [("A", 1), ("A", 2), ("A", 3), ("B", 4)]
    assert rank_for_labelling(items, groups, diversity=0.0) == [0, 1, 2, 3]
    assert rank_for_labelling(items, groups, diversity=0.5) == [0, 3, 1, 2]


def test_a_shared_article_counts_as_much_as_a_shared_speaker_and_missing_groups_do_not_count():
    items = [scores(0.40, 0.38, 0.22), scores(0.41, 0.38, 0.21), scores(0.5, 0.3, 0.2)]
    assert rank_for_labelling(items, [(None, 7), (None, 7), (None, 8)], diversity=0.5) == [0, 2, 1]
    assert rank_for_labelling(items, [(None, 7), (None, 8), (None, 9)], diversity=0.5) == [0, 1, 2]


def test_every_index_comes_back_once_and_bad_arguments_are_refused():
    items = [scores(0.1 * (i % 7), 0.05, 0.2) for i in range(50)]
    groups = [(i % 3, i % 5) for i in range(50)]
    assert sorted(rank_for_labelling(items, groups)) == list(range(50))
    assert rank_for_labelling([]) == []
    with pytest.raises(ValueError):
        rank_for_labelling(items, groups[:3])
    with pytest.raises(ValueError):
        rank_for_labelling(items, diversity=1.0)
