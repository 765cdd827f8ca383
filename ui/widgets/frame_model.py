"""A read-only table model over a DataFrame that sorts through a row permutation.

The frame is never reordered or mutated (Orange's rule; Spyder's editor got this
wrong); sorting computes a permutation array. Columns are held as the frame's own
arrays (``Series.array``: no copy, unlike ``to_numpy`` which converts every cell of a
string column on the GUI thread), so setting a frame is O(columns), ``data()`` stays
O(1) per visible cell and a 1,000,000-row frame scrolls fluidly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

_Index = QModelIndex | QPersistentModelIndex


class FrameModel(QAbstractTableModel):
    def __init__(self, frame: pd.DataFrame | None = None, parent=None) -> None:
        super().__init__(parent)
        self._frame = pd.DataFrame()
        self._columns: list = []
        self._order = np.arange(0)
        self._header_notes: dict[str, str] = {}
        if frame is not None:
            self.set_frame(frame)

    # -- content --------------------------------------------------------------------
    def set_frame(self, frame: pd.DataFrame) -> None:
        self.beginResetModel()
        self._frame = frame
        self._columns = [frame.iloc[:, i].array for i in range(frame.shape[1])]
        self._order = np.arange(len(frame))
        self.endResetModel()

    def frame(self) -> pd.DataFrame:
        return self._frame

    def set_header_notes(self, notes: dict[str, str]) -> None:
        """A second header line per column (e.g. its role); shown under the name."""
        self._header_notes = dict(notes)
        if self._columns:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._columns) - 1)

    def source_row(self, row: int) -> int:
        """The frame position shown at view row ``row``."""
        return int(self._order[row])

    def set_row_filter(self, positions: np.ndarray | None) -> None:
        """Show only these frame positions (None shows all), e.g. the offending rows."""
        self.beginResetModel()
        self._order = np.arange(len(self._frame)) if positions is None else np.asarray(positions, dtype=np.int64)
        self.endResetModel()

    # -- Qt model API -------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        value = self._columns[index.column()][self._order[index.row()]]
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            return ""
        return str(value)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            if 0 <= section < len(self._order):
                return str(int(self._order[section]) + 1)
            return None
        if not 0 <= section < len(self._columns):
            return None
        name = str(self._frame.columns[section])
        note = self._header_notes.get(name)
        return f"{name}\n{note}" if note else name

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns):
            return
        self.layoutAboutToBeChanged.emit()
        series = pd.Series(self._columns[column][self._order])
        numeric = pd.to_numeric(series, errors="coerce")
        if numeric.notna().sum() > len(series) / 2:
            key = numeric.fillna(np.inf).to_numpy()  # text and blanks sort last
        else:
            key = series.astype(str).str.casefold().to_numpy(dtype=object)
        perm = np.argsort(key, kind="stable")
        if order == Qt.SortOrder.DescendingOrder:
            perm = perm[::-1]
        self._order = self._order[perm]
        self.layoutChanged.emit()
