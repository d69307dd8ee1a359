"""Ahead-of-time compiler: KumoMTA Lua policy -> Python module.

* `driver`: `compile_policy(path)` (checker first, then code generation), `compile_text`,
  `load_module`;
* `codegen`: name analysis and the `CodeGenerator` visitor (luaparser AST -> Python);
* `render` and `templates/module.j2`: the jinja2 module template;
* `oracle`: the same policy in a real Lua 5.4 VM (lupa) with a stub `kumo`;
* `verify`: queue names from a policy's strings, and the differential comparison;
* `cli`: the `compile`, `resolve` and `verify` commands.

Generated modules import only `kumocheck.runtime`. See docs/compiler.md.
"""
