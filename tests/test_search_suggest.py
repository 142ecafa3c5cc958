"""Did you mean: the distance that makes Arabic typing slips cheap."""

import pytest

from searchidx import Index
from searchidx.search.suggest import MAX_COST, weighted_distance

from .conftest import search


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


@pytest.mark.parametrize("array_search", [True, False])
def test_did_you_mean_corrects_misspelled_words_from_the_index(seed_index, array_search):
    with Index.open(seed_index) as index:
        index.array_search = array_search
        one = index.search("الباغوس")
        two = index.search("تنضيم داعص")
        found = index.search("الباغوز")
    assert one.total == 0 and one.suggestions == [{"query": "الباغوز", "total": found.total}]
    # ض/ظ is a cheap confusion; both words are corrected at once.
    assert two.suggestions[0]["query"] == "تنظيم داعش" and two.suggestions[0]["total"] > 0
    assert found.suggestions == [] and "suggestions" not in found.to_dict()


def test_did_you_mean_shows_the_texts_spelling_not_the_folded_term(small_index):
    # «مسؤل» drops a letter of «مسئول», indexed folded as «مسءول».
    results = search(small_index, "مسؤل")
    assert results.suggestions == [{"query": "مسئول", "total": 1}]
    phrase = search(small_index, '"الخلاية النائمة"')
    assert phrase.suggestions == []
