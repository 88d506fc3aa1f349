"""Resolve: place strings -> gazetteer entries, actor names -> canonical actors, date words -> windows.

Used by extract; see places.py, actors.py (look-ups over actor_dictionary.py), dates.py, and
countries.py (the country table and demonym rules both places and actors read). Data files and
their attribution: data/.
"""
