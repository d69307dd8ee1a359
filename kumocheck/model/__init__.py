"""What a policy binds and configures, found by evaluating it abstractly.

The `Interpreter` runs a policy the way kumod loads it — top-level code in order, then
each event handler — over abstract values (`kumocheck.schema.values`): constants,
tables, unions of possibilities and `Unknown`. It follows locals, file-level tables, map
lookups, `a or b`, concatenation of constants, helper functions (evaluated per call with
the caller's arguments) and `require`d modules. Anything it cannot know is `Unknown`,
which no check ever reports.

The result is a `PolicyModel`: every `kumo.on` binding, `make_queue_config` call site,
custom_lua constructor and other event-name reference, `kumo.*` use and `require`.

Modules, from the bottom up: `folding` (limits and pure helpers: constant folding,
truthiness, condition facts), `records` (what the model records, `PolicyModel`), `scopes`
(variables, scopes, frames, branch journals), `statements` and `calls` (the interpreter's
statement evaluation and its calls and kumo API handling, as mixins) and `interpreter`.
"""

from kumocheck.model.interpreter import Interpreter
from kumocheck.model.records import (
    ApiCall,
    ApiUse,
    Binding,
    ConfigCall,
    EventReference,
    FunctionInfo,
    HandlerReturn,
    MethodCall,
    PolicyModel,
    RequireUse,
)
from kumocheck.model.scopes import Frame, Scope, Variable

__all__ = [
    "ApiCall",
    "ApiUse",
    "Binding",
    "ConfigCall",
    "EventReference",
    "Frame",
    "FunctionInfo",
    "HandlerReturn",
    "Interpreter",
    "MethodCall",
    "PolicyModel",
    "RequireUse",
    "Scope",
    "Variable",
]
