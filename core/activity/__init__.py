"""A third kind of input: activity. An events file -- a web-analytics export (GA4's
BigQuery events, flattened; Matomo's visits log) or a shop's abandoned checkouts --
becomes behaviour per customer as of a day (sessions, product views, carts abandoned in
the last N days, the last event) for segments, personas and merge rules ("abandoned a
cart in the last 7 days -> reminder block"). :func:`detect_activity_roles` says whether a
file is one and what its columns are; :func:`activity_features` is pure (a frame in, a
frame out; a visits file is first read as one row per action,
:func:`one_row_per_action`); :func:`by_person` puts it on the segment step's people.
"""

from core.activity.features import (
    ActivityFeatures,
    activity_features,
    by_person,
    counted_columns,
    event_keys,
    key_text,
    one_row_per_action,
    persons_by_key,
    read_times,
)
from core.activity.roles import (
    FORMATS,
    KINDS,
    ActivityMatch,
    ActivityRole,
    detect_activity_roles,
    event_kind,
)

__all__ = ["FORMATS", "KINDS", "ActivityFeatures", "ActivityMatch", "ActivityRole",
           "activity_features", "by_person", "counted_columns", "detect_activity_roles",
           "event_keys", "event_kind", "key_text", "one_row_per_action", "persons_by_key", "read_times"]
