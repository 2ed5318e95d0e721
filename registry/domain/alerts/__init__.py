"""Deadline alerts over plain candidate rows (DESIGN "Deadline alerts").

Two views of the same rules:
- alerts_for(candidate, today, ...) (candidate) computes one candidate's alerts forward
  from its dates (candidate page, tests);
- alert_windows(today, ...) (windows) turns each kind into bounds on one stored date
  column plus columns that must be NULL, so the DB layer can list a kind over a million
  candidates with one indexed WHERE clause instead of per-row Python. DateWindow.matches
  states the semantics exactly; the tests check that both views agree.
Both read the columns of AlertCandidate (columns); the kinds, their labels and rules are
in kinds; next_due (next_step) is the candidate page's next step and its deadline.

A deadline alert starts the day after the last allowed day: a decision on the 60th
working day after the cell resolution is still in time, so no_decision fires from the
next day on. A warning fires from its first day: probation_ending ("sắp hết") 30 days
before the probation ends, and it stays on until recognition_overdue takes over (the
day after the 30th working day from the end), so the chi bộ is reminded during its
window to meet. Once the chi bộ's recognition resolution is on file both give way to
recognition_decision_overdue: the committee decides within 30 working days of it
(rule 11). stalled reads a stored last_event_date column (the latest event of any
stage). ALERT_RULES names the rule each kind implements; the pages show it.
"""
