"""Detection on a column of numbers with gaps (``days_since_last_event`` after Segments
with an events file): pandas 3's ``astype(str)`` keeps NaN, which the value tests cannot
read; the gaps count as empty cells."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.privacy.detect import detect_pii


def test_numbers_with_gaps_are_read_as_text_and_empty_cells():
    frame = pd.DataFrame({"days_since_last_event": [1.0, np.nan, 11.0, np.nan],
                          "email": ["a@x.org", None, "b@y.org", "c@z.org"]})
    found = detect_pii(frame)
    assert (found["days_since_last_event"].kind, found["email"].kind) == (None, "email")
    assert found["email"].reason == "the header and 100% of the values look like e-mail addresses"
