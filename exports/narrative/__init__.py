"""The narrative report (Báo cáo) as .docx: a Word template filled with the figures.

Templates are Word files with placeholders (`{{ ket_nap }}`) and, for the table, a row
loop (`{%tr for dong in bang %}`). The rooms:

- `placeholders`: the one list of placeholders and table columns, and the values one
  document is filled with (`NarrativeContext`);
- `context`: the reports' figures → those values (`narrative_context`);
- `rendering`: the checks of an uploaded template or document, and the filling itself in
  a cut-down sandbox (`check_template`, `check_document`, `render`);
- `default_template`: the template used until an organisation uploads its own.
"""
