"""Pipeline steps: one shape (:mod:`core.steps.base`), one order (:mod:`core.steps.registry`)."""
