"""Next best product: co-occurrence picks, never an item the person already bought."""

import pandas as pd

from core.segment.recommend import next_best_product


def test_recommends_what_similar_people_bought_and_never_what_they_own():
    lines = pd.DataFrame({
        "person": ["a", "a", "b", "b", "c", "c", "d", "e"],
        "product": ["Tent", "Stove", "Tent", "Stove", "Tent", "Lamp", "Tent", "Mug"],
    })
    picks = next_best_product(lines, pd.Index(["a", "b", "c", "d", "e", "f"]))
    assert picks.to_dict() == {"a": "Lamp", "b": "Lamp", "c": "Stove", "d": "Stove", "e": "",
                               "f": ""}
    owned = lines.groupby("person")["product"].apply(set)
    for person, pick in picks.items():
        assert pick not in owned.get(person, set())
