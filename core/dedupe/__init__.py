"""Duplicates: records that are one person, found, reviewed, merged, and linked to sales.

Start at :mod:`core.dedupe.pipeline` (``find_duplicates``, ``score_records``,
``group_records``); :mod:`core.dedupe.link` links a second table to the customer list.
"""
