"""`kumocheck compile`, `kumocheck resolve` and `kumocheck verify`.

Exit codes: 0 ok; 1 checker errors, unsupported constructs, resolve errors or
differences found by verify; 2 usage errors and unreadable input.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from kumocheck.compiler.helpers_cli import (
    add_dns_option, add_resolve_options, intermixed, run_helper_resolve, settings_from_args, wants_helper_resolve,
)

__all__ = ["add_commands"]


def add_commands(subparsers) -> None:
    compile_ = subparsers.add_parser("compile", help="compile a policy into a Python module")
    compile_.add_argument("policy", metavar="POLICY.lua")
    compile_.add_argument("-o", "--output", metavar="OUT.py", help="write the module here (default: stdout)")
    compile_.add_argument("--policy-root", metavar="DIR", help="folder require() names are relative to (default: the policy's folder)")
    compile_.set_defaults(run=run_compile)

    resolve = subparsers.add_parser("resolve", help="print the queue config a policy gives each queue name")
    resolve.add_argument("policy", metavar="POLICY.lua")
    resolve.add_argument("queues", nargs="*", metavar="QUEUE_NAME", help="[campaign:]tenant@domain[!routing_domain]")
    resolve.add_argument("--output-format", choices=("full", "json"), default="full")
    resolve.add_argument("--policy-root", metavar="DIR")
    add_resolve_options(resolve)
    intermixed(resolve)
    resolve.set_defaults(run=run_resolve)

    verify = subparsers.add_parser("verify", help="run the compiled module beside the policy in Lua 5.4 and compare")
    verify.add_argument("policy", metavar="POLICY.lua")
    verify.add_argument("--queues", metavar="FILE", help="queue names, one per line (default: names built from the policy's strings)")
    verify.add_argument("--policy-root", metavar="DIR")
    add_dns_option(verify)
    verify.set_defaults(run=run_verify)


def _usage(message: str):
    from kumocheck.cli import UsageError

    return UsageError(message)


def _paths(args) -> tuple[Path, Path]:
    path = Path(args.policy)
    if path.is_dir():  # a policy folder: its entry file, as kumod's --policy would name it
        if not (path / "init.lua").is_file():
            raise _usage(f"{args.policy}: is a directory without init.lua: give the policy's entry file")
        path = path / "init.lua"
    if not path.is_file():
        raise _usage(f"{args.policy}: no such file")
    try:
        path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _usage(f"{args.policy}: cannot read: {exc}") from None
    root = Path(args.policy_root) if getattr(args, "policy_root", None) else path.resolve().parent
    if not root.is_dir():
        raise _usage(f"--policy-root {args.policy_root}: not a directory")
    return path, root


def _compile(path: Path, root: Path):
    """The compiled policy, or an exit code after printing why not."""
    from kumocheck.compiler.driver import CompileError, PolicyRefused, compile_policy

    try:
        return compile_policy(path, root)
    except PolicyRefused as exc:
        print(f"kumocheck: {path}: not compiled: the checker found {len(exc.diagnostics)} error(s)", file=sys.stderr)
        for diagnostic in exc.diagnostics:
            print(
                f"{diagnostic.path}:{diagnostic.span.line}:{diagnostic.span.column}: {diagnostic.code} "
                f"[{diagnostic.rule}] {diagnostic.message}",
                file=sys.stderr,
            )
        return 1
    except CompileError as exc:
        print(f"kumocheck: {exc}", file=sys.stderr)
        return 1


def run_compile(args) -> int:
    path, root = _paths(args)
    compiled = _compile(path, root)
    if isinstance(compiled, int):
        return compiled
    if args.output:
        try:
            Path(args.output).write_text(compiled.source, encoding="utf-8")
        except OSError as exc:
            raise _usage(f"-o {args.output}: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(compiled.source)
    return 0


def _load(path: Path, root: Path, args=None):
    from kumocheck.compiler.driver import load_module
    from kumocheck.runtime.errors import LuaError

    settings = settings_from_args(args, root) if args is not None else None
    compiled = _compile(path, root)
    if isinstance(compiled, int):
        return compiled, None
    try:
        return load_module(compiled, settings=settings), compiled
    except LuaError as exc:
        print(f"kumocheck: {path}: the policy failed while loading: {exc}", file=sys.stderr)
        return 1, None


def run_resolve(args) -> int:
    path, root = _paths(args)
    if not args.queues and not wants_helper_resolve(args):
        raise _usage("resolve: give queue names, or --egress-source/--egress-pool/--egress-path/--listener-domain")
    module, _ = _load(path, root, args)
    if isinstance(module, int):
        return module
    if wants_helper_resolve(args):
        return run_helper_resolve(module, args) | (_resolve_queues(module, args) if args.queues else 0)
    return _resolve_queues(module, args)


def _resolve_queues(module, args) -> int:
    from kumocheck.runtime.errors import LuaError
    from kumocheck.runtime.queue_config import to_json

    status = 0
    results = {}
    for name in args.queues:
        try:
            results[name] = module.resolve(name).to_dict()
        except LuaError as exc:
            status = 1
            results[name] = {"error": str(exc)}
            if args.output_format == "full":
                print(f"kumocheck: {name}: {exc}", file=sys.stderr)
    if args.output_format == "json":
        sys.stdout.write(json.dumps(results, indent=2, sort_keys=True) + "\n")
    else:
        for name, shape in results.items():
            if "error" in shape and len(shape) == 1:
                continue
            print(f"# {name}")
            print(to_json(shape))
    return status


def run_verify(args) -> int:
    from kumocheck.compiler.driver import HELPER_MODULES
    from kumocheck.compiler.oracle import LupaPolicy, lupa_available
    from kumocheck.compiler.oracle_helpers import helpers_dir
    from kumocheck.compiler.verify import compare, policy_texts, queue_names_from_text
    from kumocheck.runtime.errors import LuaError

    path, root = _paths(args)
    if not lupa_available():
        raise _usage("verify needs lupa: pip install 'kumocheck[verify]'")
    if args.queues:
        try:
            lines = Path(args.queues).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise _usage(f"--queues {args.queues}: cannot read: {exc}") from None
        names = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    else:
        names = None
    module, compiled = _load(path, root, args)
    if isinstance(module, int):
        return module
    if module.POLICY.loaded.keys() & HELPER_MODULES and helpers_dir() is None:
        raise _usage("verify: this policy uses KumoMTA's policy-extras helpers; point KUMOCHECK_KUMOMTA "
                     "at a KumoMTA source tree (checkout or git mirror) to run them in Lua 5.4")
    try:
        reference = LupaPolicy(path, root, settings_from_args(args, root))
    except LuaError as exc:
        print(f"kumocheck: {path}: the policy fails to load in Lua 5.4: {exc}", file=sys.stderr)
        return 1
    if names is None:
        names = queue_names_from_text(policy_texts(path, compiled.modules, root))
    differences = compare(module.resolve, reference.resolve, names)
    for difference in differences:
        print(f"{difference.queue_name}: compiled and Lua 5.4 differ")
        print(f"  compiled: {difference.compiled.describe()}")
        print(f"  lua 5.4:  {difference.lua.describe()}")
    print(f"verify: {len(names)} queue name(s), {len(differences)} difference(s)")
    return 1 if differences else 0
