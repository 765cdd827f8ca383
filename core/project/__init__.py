"""Projects: the ``.lreach`` file (:mod:`.store`) and its exact DataFrame codec (:mod:`.frames`)."""
