"""Name readings: pseudonyms keep accents, record comparison drops them; nicknames."""

from core.normalise.names import fold, fold_text, formal_first_name, letters


def test_pseudonym_form_keeps_accents_and_drops_invisible_characters():
    assert fold_text("  MÜLLER\u200b  Anna ") == "müller anna"
    assert fold_text("Müller") != fold_text("Muller")  # maybe two people: a token never merges them


def test_comparison_form_drops_accents_and_width():
    assert fold("MÜLLER") == fold("Muller") == "muller"
    assert fold("\uff21nna  Lena") == "anna lena"
    assert letters(fold("O'Neil-Smith 3rd")) == "o neil smith rd"


def test_nicknames_map_to_the_formal_name():
    assert (formal_first_name("bob"), formal_first_name("liz"), formal_first_name("zoltan")) == (
        "robert", "elizabeth", "zoltan")
