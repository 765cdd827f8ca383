"""Package data shipped with LocalReach: demo files, templates, name lists, help, style.

A package so that a plain ``pip install .`` carries it; :func:`core.resources.resource_path`
finds it through :mod:`importlib.resources`, never as a path next to the code.
"""
