"""Recipes: the whole pipeline as a TOML file, re-run headless on next month's export.

:mod:`~core.recipe.schema` reads, checks and writes recipe files;
:mod:`~core.recipe.conversion` makes one from a project; :mod:`~core.recipe.staging`
runs one through the step registry and commits its outputs at once.
"""

from core.recipe.conversion import recipe_from_project
from core.recipe.schema import (
           RECIPE_VERSION,
           STEPS,
           Recipe,
           load_recipe,
           recipe_text,
           save_recipe,
           validate,
)
from core.recipe.staging import CUSTOMERS, change_summary, run_recipe
from core.steps.base import Skipped

__all__ = ["CUSTOMERS", "RECIPE_VERSION", "STEPS", "Recipe", "Skipped", "change_summary", "load_recipe",
           "recipe_from_project", "recipe_text", "run_recipe", "save_recipe", "validate"]
