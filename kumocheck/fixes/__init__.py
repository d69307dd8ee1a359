"""Turning findings' fixes into edits: shared by `check --fix` and the language server.

A finding may carry a `kumocheck.diagnostics.Fix` (span, replacement, title,
applicability). Applicability follows ruff:

* ``safe``: keeps what the author evidently meant (a did-you-mean with one clear candidate
  for a key, event, constructor or enum name; a duration or throttle respelled to exactly
  the same value; an unused suppression removed). `check --fix` applies these.
* ``unsafe``: probably right but may change behaviour (a fuzzy guess among several close
  names, `return nil` to a bare `return`, moving options). Needs `--unsafe-fixes`.
* ``display-only``: shown (JSON, SARIF, editor) but never applied automatically.

Interfaces (the editor's quick fixes and "fix all" call these too):

``fixes_for(diagnostics, unsafe=False) -> list[Diagnostic]``
    the diagnostics whose fix applies at that level.
``apply_fixes(text, fixes) -> (new_text, applied_edits)``
    one pass over one file's text: fixes (or diagnostics) become non-overlapping
    `Edit`s (offsets into `text`); of overlapping fixes the first in text order wins,
    the rest are left for the next pass. A replacement keeps the quoting of the text it
    replaces (`["retry_intervl"]` becomes `["retry_interval"]`; `"x"` stays double-quoted);
    text with escapes or long brackets is never rewritten. Comments and layout outside
    the spans are untouched. It does not re-parse: callers that write files check
    `engine.still_parses` (the CLI does).
``edits_for(text, fixes) -> list[Edit]`` / ``apply_edits(text, edits) -> str``
    the two halves of `apply_fixes`, for callers that want `TextEdit`s.
``engine.fix_until_stable(paths, settings, unsafe=False) -> FixOutcome``
    (in `kumocheck.fixes.engine`, which imports the checker): check, apply, verify the
    result still parses (Lua, TOML, JSON), feed the fixed text back as overlays and
    re-check, until a pass changes nothing (at most `MAX_PASSES`), so a second `--fix`
    changes nothing. `FixOutcome.changed` lists `FileFix`es with `.diff()` and `.write()`.
"""

from kumocheck.fixes.edits import Edit, apply_edits, apply_fixes, edits_for, fixes_for

__all__ = ["Edit", "apply_edits", "apply_fixes", "edits_for", "fixes_for"]
