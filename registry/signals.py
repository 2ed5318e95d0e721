"""Signals between features: a side effect that crosses features is sent here, not imported.

A rule that must be able to refuse a write is a direct check in the write path, never a
receiver of a signal: receivers run after the change and cannot stop it.
"""

from blinker import Namespace

_signals = Namespace()

# Sent by the stage service (sender: the session) after an event is recorded, corrected or
# undone, with `dates` (the event's dates, before and after) and `unit_ids` (the units it
# concerns). The reports feature flags the submitted reports whose period and area hold it.
stage_events_changed = _signals.signal("stage-events-changed")
