"""Review: analysts' corrections of events, kept through every rerun.

- corrections.py: the stored correction (who, when, why, what the sources said then)
- fields.py: what may be set on an event, checked and expanded into related fields
- overlay.py: corrections laid over fusion's view of an event, flags when the sources change
- constraints.py: merges and splits by hand, kept by every fusion pass
- actions.py: set fields, reject, confirm, merge, split, withdraw (every face calls these)
- queue.py: the events that most need a look

Fusion imports overlay and constraints; nothing here is imported by this package's __init__, so
that fusion can load them while review.actions loads fusion.
"""
