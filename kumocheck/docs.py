"""Rule documentation rendered from rules/rules.toml (for `kumocheck rule` and docs/rules.md)."""

from __future__ import annotations

from kumocheck.schema.model import RuleSpec, Schema

DOCS_URL = "https://github.com/kumocheck/kumocheck/blob/main/docs/rules.md"


#: What `fix_applicability` in rules/rules.toml means, in the rule's documentation.
FIX_LEVELS = {
    "none": "no automatic fix.",
    "safe": "safe: `kumocheck check --fix` applies it when one is offered.",
    "unsafe": "unsafe (it may change behaviour): applied only with `kumocheck check --fix --unsafe-fixes`.",
    "varies": "safe when there is one clear candidate or the value is respelled to exactly the same "
    "value (`kumocheck check --fix` applies it); otherwise unsafe (`--unsafe-fixes`).",
}


def fix_level_text(spec: RuleSpec) -> str:
    return FIX_LEVELS.get(spec.fix_applicability, FIX_LEVELS["none"])


def rule_anchor(spec: RuleSpec) -> str:
    return f"{spec.code.lower()}-{spec.name}"


def rule_url(spec: RuleSpec) -> str:
    return f"{DOCS_URL}#{rule_anchor(spec)}"


def rule_text(spec: RuleSpec) -> str:
    """A rule's documentation for the terminal."""
    parts = [
        f"{spec.code} {spec.name} ({spec.severity})",
        "",
        spec.summary,
        "",
        "Why: " + spec.why,
        "",
        "Example:",
        _indent(spec.example),
    ]
    if spec.example_fixed:
        parts += ["Fixed:", _indent(spec.example_fixed)]
    parts += ["Fix: " + spec.fix, "Automatic fix: " + fix_level_text(spec), ""]
    return "\n".join(parts)


def _indent(code: str) -> str:
    return "\n".join("    " + line for line in code.strip("\n").splitlines()) + "\n"


def rule_body_markdown(spec: RuleSpec) -> list[str]:
    """Why, example and fix of a rule as Markdown lines (docs/rules.md and SARIF help)."""
    out = [
        f"**Why:** {spec.why}",
        "",
        "**Example:**",
        "",
        "```lua",
        spec.example.strip("\n"),
        "```",
        "",
        f"**Fix:** {spec.fix}",
        "",
        f"**Automatic fix:** {fix_level_text(spec)}",
    ]
    if spec.example_fixed:
        out += ["", "```lua", spec.example_fixed.strip("\n"), "```"]
    return out


def rule_markdown(schema: Schema) -> str:
    """docs/rules.md: every rule with what, why, example and fix."""
    rules = sorted(schema.rules.values(), key=lambda r: r.code)
    out = [
        "# Rules",
        "",
        "Generated from `rules/rules.toml` by `kumocheck rule --all --markdown`; a test keeps",
        "this page in step with the data. Silence a rule on one line with",
        "`-- kumocheck: ignore[rule-name]`, or for a whole file with `-- kumocheck: ignore-file[rule-name]`.",
        "",
        "| code | name | severity | summary |",
        "| --- | --- | --- | --- |",
    ]
    out += [f"| {r.code} | [{r.name}](#{rule_anchor(r)}) | {r.severity} | {r.summary} |" for r in rules]
    for r in rules:
        out += [
            "",
            f"## {r.code} {r.name}",
            "",
            f"**Default severity:** {r.severity}",
            "",
            f"**What:** {r.summary}",
            "",
            *rule_body_markdown(r),
        ]
    return "\n".join(out) + "\n"
