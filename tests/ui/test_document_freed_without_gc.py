"""A document with undo history is freed as soon as nothing holds it, without the garbage
collector: its undo commands do not hold it. (A cycle through them let gc.collect free the
document while freeing a command, and QUndoStack::clear then crashed on that command.)"""

import gc
import weakref

import pandas as pd

from app.document import Document


def test_a_document_with_undo_history_is_freed_by_its_last_reference(qtbot):
    gc.collect()
    enabled = gc.isenabled()  # the application's collector may have turned it off: leave it so
    gc.disable()
    try:
        doc = Document()
        doc.set_state("personas", {"names": ["Bargain hunters"]}, "Rename persona")
        doc.set_frame("crm", pd.DataFrame({"email": ["a@example.com"]}), "Import crm")
        doc.undo_stack.undo()
        doc.undo_stack.redo()
        assert doc.undo_stack.count() == 2
        ref = weakref.ref(doc)
        del doc
        assert ref() is None  # freed now, by its reference count, not by a later gc.collect
    finally:
        if enabled:
            gc.enable()


def test_undo_and_redo_still_put_the_values_back(qtbot):
    doc = Document()
    doc.set_state("personas", {"names": ["A"]}, "Rename persona")
    doc.set_state("personas", {"names": ["B"]}, "Rename persona")
    doc.undo_stack.undo()
    assert doc.state("personas") == {"names": ["A"]}
    doc.undo_stack.redo()
    assert doc.state("personas") == {"names": ["B"]}
