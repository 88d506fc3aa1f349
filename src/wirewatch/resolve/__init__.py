"""Resolve: place strings -> gazetteer entries, actor names -> canonical actors, date words -> windows.

Used by extract; see places.py, actors.py, dates.py. Data files and their attribution: data/.
"""
