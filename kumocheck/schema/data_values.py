"""The value kinds only helpers' data and option tables use: numbers, functions, T-or-list-of-T.

A mixin of `kumocheck.schema.validate.Validator` (which supplies `validate` and
`_wrong_type`), so data files are judged by the one Validator.
"""

from __future__ import annotations

from typing import Any, Iterator

from kumocheck.schema.model import TypeRef
from kumocheck.schema.values import Const, Opaque, TableValue, Value


class DataValueChecks:
    """Value kinds beyond make_queue_config's: see DATA_KINDS in validate.py."""

    def _data_value(self, value: Value, typ: TypeRef, path: tuple) -> Iterator[Any]:
        kind = typ.kind
        if isinstance(value, Const) and value.value is None:
            return
        if kind == "one_or_list":
            if isinstance(value, TableValue) and (value.array_meta or value.positional()):
                yield from self.validate(value, TypeRef("list", item=typ.item), path)
            else:
                yield from self.validate(value, typ.item, path)
        elif kind == "number":
            if not isinstance(value, Const) or isinstance(value.value, bool) or not isinstance(value.value, (int, float)):
                yield self._wrong_type(value, typ, path)
        elif kind == "function":
            if not (isinstance(value, Opaque) and value.kind in ("function", "helper_fn")):
                yield self._wrong_type(value, typ, path)
