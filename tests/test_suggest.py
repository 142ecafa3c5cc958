"""Did you mean: the distance that makes Arabic typing slips cheap."""

import pytest

from searchidx.search.suggest import MAX_COST, weighted_distance


@pytest.mark.parametrize(
    ("typed", "meant", "cost"),
    [
        ("تنضيم", "تنظيم", 0.5),  # ض for ظ
        ("داعص", "داعش", 1.0),  # ص for ش: not a known confusion
        ("مستمرره", "مستمره", 0.5),  # a doubled letter
        ("الخلاي", "الخلايا", 1.0),  # a dropped letter
        ("تنضيم", "تنضيم", 0.0),
    ],
)
def test_confusions_cost_half_an_edit(typed, meant, cost):
    assert weighted_distance(typed, meant) == cost


def test_words_too_far_apart_stop_at_the_bound():
    assert weighted_distance("سوريا", "العراق") == MAX_COST + 1
