"""Data quality: the report, standardisation steps, value clustering and imputation.

Every step is a pure function ``(df, config, ctx) -> (new_df, StepReport)`` that never
changes its input; :mod:`core.quality.steps` names them for step lists and recipes.
"""
