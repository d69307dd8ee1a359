"""Front ends: `lua` (Lua 5.4 into luaparser's AST) and the data-file readers, each
keeping the line and column of what it reads."""
