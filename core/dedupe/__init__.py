"""Duplicates: records that are one person, found, reviewed, merged, and linked across lists.

Start at :mod:`core.dedupe.pipeline` (``find_duplicates``, ``score_records``,
``group_records``); :mod:`core.dedupe.link` links a second table (sales lines, another
customer list) to the customer list with the same model, :mod:`core.dedupe.people`
makes one person table of several lists, :mod:`core.dedupe.incremental` matches next
month's records against the people already known, and :mod:`core.dedupe.explain` says
in words why two records are (not) one person.
"""
