"""A Quality fix made on the person table of several lists is made again on every new
link: when a fourth list is added and when a Duplicates answer links the lists again
(before 1ed0a8e only the fixes since the last link were, so the fourth list lost it)."""

from __future__ import annotations

from app.actions import duplicates, imports, quality
from app.document import Document
from tests.ui.test_import_lists_region import person


def _write(path, people, upper: bool) -> None:
    path.write_text("First name,Surname,Email\n" + "".join(
        f"{p['first']},{p['last'].upper() if upper else p['last']},{p['email']}\n"
        for p in map(person, people)))


def _upper_surnames(doc: Document) -> set[str]:
    return {s for s in doc.frame("crm")["Surname"] if s.isupper()}


def test_a_fix_survives_a_fourth_list_and_a_duplicates_answer(tmp_path):
    lists = {"shop": (range(0, 10), True), "news": (range(5, 15), False),
             "till": (range(12, 20), False), "old": (range(18, 24), True)}
    for name, (people, upper) in lists.items():
        _write(tmp_path / f"{name}.csv", people, upper)
    doc = Document()
    imports.import_file(doc, "crm", tmp_path / "shop.csv", {}, {}).run()
    imports.add_customer_list(doc, tmp_path / "news.csv", {}, {}, "news").run()
    assert len(_upper_surnames(doc)) == 10  # the golden records keep the shop's spelling
    fix = next(f for f in quality.check(doc).run().fixes["crm"] if f["step"] == "names")
    quality.apply_fix(doc, "crm", fix).run()
    for name in ("till", "old"):
        linked = imports.add_customer_list(doc, tmp_path / f"{name}.csv", {}, {}, name).run()
        assert linked.fixes_skipped == 0 and not _upper_surnames(doc), name
    assert len(doc.frame("crm")) == 24
    found = duplicates.find_duplicates(doc).run()
    review = duplicates.group(doc, found)
    group = duplicates.merged_groups(found, review)[0]
    duplicates.take_out(doc, found, review, group.members, int(group.members[0])).run()
    assert len(doc.frame("crm")) == 25 and not _upper_surnames(doc)
