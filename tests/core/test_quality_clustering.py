"""Value clustering finds known spelling variants; merging rewrites exactly those cells."""

import pandas as pd
import pytest

from core.errors import LocalReachError
from core.quality.clustering import (
    ClusterConfig,
    ValueMergeConfig,
    find_clusters,
    fingerprint,
    merge_mapping,
    merge_values,
    ngram_fingerprint,
    phonetic_key,
)

BRANDS = (
    ["Nike"] * 5 + ["nike inc"] * 2 + ["NIKE Inc."] * 3 + ["Adidas"] * 4 + ["adidas AG", "Addidas"]
    + ["Puma"] * 2 + ["Meyer", "Maier", "Mayer", "New Balance", "Balance New", "newbalance", "Reebok", ""]
)


@pytest.fixture
def brands():
    return pd.DataFrame({"brand": BRANDS})


def groups(clusters):
    return [sorted(v for v, _ in c.values) for c in clusters]


def test_keys():
    assert fingerprint("  NIKE, Inc. ") == "nike"
    assert fingerprint("Café  Müller GmbH") == "cafe muller"
    assert fingerprint("Inc") == "inc"  # a name that is only a legal form keeps it
    assert ngram_fingerprint("New Balance") == ngram_fingerprint("newbalance")
    assert phonetic_key("Meyer") == phonetic_key("Maier") == "m600"


def test_fingerprint_groups_nike_variants_with_counts(brands):
    clusters = find_clusters(brands, ClusterConfig("brand", "fingerprint"))
    assert clusters[0].values == [("Nike", 5), ("NIKE Inc.", 3), ("nike inc", 2)]
    assert (clusters[0].suggestion, clusters[0].rows) == ("Nike", 10)
    assert groups(clusters) == [
        ["NIKE Inc.", "Nike", "nike inc"], ["Adidas", "adidas AG"], ["Balance New", "New Balance"]
    ]


def test_phonetic_groups_sound_alikes(brands):
    found = groups(find_clusters(brands, ClusterConfig("brand", "phonetic")))
    assert ["Maier", "Mayer", "Meyer"] in found
    assert ["Addidas", "Adidas", "adidas AG"] in found


def test_ngram_and_nearest_neighbour(brands):
    assert ["New Balance", "newbalance"] in groups(find_clusters(brands, ClusterConfig("brand", "ngram")))
    near = groups(find_clusters(brands, ClusterConfig("brand", "levenshtein", radius=2)))
    assert near == [["Addidas", "Adidas"], ["NIKE Inc.", "nike inc"], ["New Balance", "newbalance"]]


def test_merge_uses_chosen_survivor_and_counts_cells(brands):
    clusters = find_clusters(brands, ClusterConfig("brand"))
    clusters[0].suggestion = "Nike Inc."  # the user's choice
    out, report = merge_values(brands, ValueMergeConfig("brand", merge_mapping(clusters[:1])))
    assert out["brand"].tolist()[:10] == ["Nike Inc."] * 10
    assert report.changed_cells == 10
    assert out["brand"].tolist()[10:] == BRANDS[10:]
    assert brands["brand"].tolist() == BRANDS


def test_unknown_method_is_refused(brands):
    with pytest.raises(LocalReachError) as err:
        find_clusters(brands, ClusterConfig("brand", "magic"))
    assert "unknown method 'magic'" in str(err.value)
