"""One reading of each kind of value, shared by every step.

The cleaning, the pseudonyms and the duplicate search must agree on when two spellings
are one value, so each kind is read here once, with explicit modes instead of a private
copy per step: :mod:`.phone`, :mod:`.email`, :mod:`.dates`, :mod:`.postcodes` (with
:mod:`.countries`) and :mod:`.names`. No function assumes a country: the project's
region is passed in (``None`` when it is not known).
"""
