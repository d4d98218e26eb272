"""Static checks of submitted code, done outside the kernel where student code cannot interfere.

The in-kernel guard (:mod:`course.grading`) notices when functions the checks use were
replaced, but code in the same process can in principle defeat any in-process check (swap
``sys.modules['course.grading']``, silence tracebacks, ...). This module reads the code
instead: :func:`scan` parses each cell (IPython syntax included) and reports

* ``tamper`` findings: code that patches modules, builtins, the import system, IPython's
  error display, function internals, or runs code that cannot be read (``exec``). Every test
  that runs after such a cell scores 0 (see :class:`autograder.preprocessors.IntegrityCheck`);
* ``reference`` findings: a solution that uses the course's reference implementations instead
  of its own code. These change no score; the class report lists them for review.
"""
from __future__ import annotations

import ast
import functools
from dataclasses import dataclass

# Names that are modules in every lesson even when the cell did not import them (the setup cell does).
KNOWN_MODULES = {"np", "numpy", "course", "sys", "builtins", "os", "math", "importlib", "IPython", "scipy",
                 "matplotlib", "plt", "random", "warnings", "inspect", "types", "gc", "ctypes", "signal", "io"}
DUNDER_ACCESS = {"__code__", "__globals__", "__builtins__", "__builtin__", "__subclasses__", "__closure__",
                 "__kwdefaults__", "__defaults__", "__import__", "__loader__", "__spec__", "f_globals", "f_locals",
                 "f_back", "f_builtins", "tb_frame", "gi_frame", "cr_frame"}
HOOK_ATTRIBUTES = {"set_custom_exc", "showtraceback", "_showtraceback", "showsyntaxerror", "run_cell", "run_cell_async",
                   "displayhook", "display_pub", "excepthook", "ast_transformers", "input_transformers_post",
                   "input_transformers_cleanup", "input_transformer_manager", "CustomTB", "InteractiveTB", "SyntaxTB",
                   "register_post_execute", "settrace", "setprofile", "_getframe", "currentframe", "getouterframes",
                   "meta_path", "path_hooks", "addaudithook", "get_referents", "get_referrers", "get_objects",
                   "setrecursionlimit", "monkeypatch", "user_ns", "user_global_ns"}
"""Attributes that only serve to change how errors and results are reported, or to reach the checks."""
HOOK_NAMES = {"sys.modules", "importlib.reload", "imp.reload", "inspect.stack", "mock.patch", "unittest.mock.patch",
              "get_ipython().events", "get_ipython().kernel", "get_ipython().display_formatter"}
FORBIDDEN_CALLS = {"exec": "runs code built at run time, which cannot be checked",
                   "eval": "runs code built at run time, which cannot be checked",
                   "compile": "compiles code at run time, which cannot be checked",
                   "__import__": "imports modules in a way that cannot be checked",
                   "reload": "reloads a module"}
FORBIDDEN_IMPORTS = {"ctypes": "can rewrite memory of the running checks",
                     "gc": "can reach and modify the checks' objects",
                     "unittest.mock": "patches functions", "mock": "patches functions",
                     "signal": "changes how the grader stops a cell",
                     "subprocess": "starts other programs", "multiprocessing": "starts other processes",
                     "importlib": "reloads or replaces modules", "imp": "reloads or replaces modules",
                     "pytest": "monkeypatches functions", "builtins": "replaces built-in functions",
                     "__builtin__": "replaces built-in functions", "inspect": "reads the checks' frames",
                     "socket": "opens network connections", "pty": "starts a shell"}
FORBIDDEN_MAGICS = {"config", "load_ext", "reload_ext", "autoreload", "aimport", "run", "load", "loadpy",
                    "writefile", "script", "bash", "sh", "system", "sx", "capture"}
SAFE_COURSE = {"widgets", "checks", "_config", "validation", "datasets", "grading", "gradcheck"}
"""Parts of the course package a student may use; the rest are reference implementations."""
OS_CALLS = {"system", "popen", "fork", "forkpty", "kill", "killpg", "execv", "execve", "execl", "execlp",
            "execvp", "spawnl", "spawnv", "setuid", "putenv"}
"""Process-level escapes (file writes are stopped by the sandbox, not by reading code)."""


@dataclass(frozen=True)
class Finding:
    """One suspicious construct: ``kind`` is ``"tamper"`` or ``"reference"``."""

    kind: str
    line: int
    message: str


@functools.lru_cache(maxsize=1)
def _transformer():
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager()


def python_source(cell_source: str) -> str:
    """The cell as plain Python (``%magics`` and ``!commands`` become IPython calls)."""
    try:
        return _transformer().transform_cell(cell_source)
    except Exception:
        return cell_source


def _root(node: ast.AST) -> ast.AST:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
        node = node.value
    return node


def _dotted(node: ast.AST) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif isinstance(node, ast.Call):
        parts.append(_dotted(node.func) + "()")
    return ".".join(reversed(parts))


class _Scanner(ast.NodeVisitor):
    def __init__(self, modules: set[str], solution: bool) -> None:
        self.modules = set(modules)
        self.solution = solution
        self.findings: list[Finding] = []

    def add(self, kind: str, node: ast.AST, message: str) -> None:
        self.findings.append(Finding(kind, getattr(node, "lineno", 0), message))

    def _is_module_expr(self, node: ast.AST) -> bool:
        root = _root(node)
        if isinstance(root, ast.Name):
            return root.id in self.modules
        if isinstance(root, ast.Call):
            name = _dotted(root.func)
            return name in {"vars", "globals", "locals", "getattr", "__import__", "importlib.import_module"}
        return False

    # imports ------------------------------------------------------------------------
    def _imported(self, module: str, node: ast.AST, alias: str) -> None:
        self.modules.add(alias)
        top = module.split(".")[0]
        for name, why in FORBIDDEN_IMPORTS.items():
            if module == name or module.startswith(name + ".") or (name == "mock" and top == "mock"):
                self.add("tamper", node, f"imports {module}, which {why}")
                break
        parts = module.split(".")
        if self.solution and top == "course" and len(parts) > 1 and parts[1] not in SAFE_COURSE:
            self.add("reference", node, f"imports {module} from the course package: the reference implementations "
                                        "instead of the student's own code")

    def visit_Import(self, node: ast.Import) -> None:
        for a in node.names:
            self._imported(a.name, node, (a.asname or a.name).split(".")[0])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        for a in node.names:
            full = f"{module}.{a.name}"
            if module == "builtins" or full in FORBIDDEN_IMPORTS or module in FORBIDDEN_IMPORTS:
                self._imported(full if full in FORBIDDEN_IMPORTS else module, node, a.asname or a.name)
            elif module.split(".")[0] == "course":
                self._imported(full if module == "course" else module, node, a.asname or a.name)
            elif module.split(".")[0] in {"numpy", "sys", "os", "importlib", "IPython"}:
                self.modules.add(a.asname or a.name)  # from numpy import testing; testing.x = ... patches numpy

    # assignments --------------------------------------------------------------------
    def _check_target(self, target: ast.AST, node: ast.AST, verb: str) -> None:
        if isinstance(target, (ast.Tuple, ast.List)):
            for t in target.elts:
                self._check_target(t, node, verb)
            return
        if isinstance(target, (ast.Attribute, ast.Subscript)) and self._is_module_expr(target):
            self.add("tamper", node, f"{verb} {ast.unparse(target)}, which belongs to a module the checks use")
        elif isinstance(target, ast.Attribute) and target.attr in {"__class__", "__dict__", "__code__",
                                                                   "__defaults__", "__kwdefaults__"}:
            self.add("tamper", node, f"{verb} {target.attr} of an object")

    def visit_Assign(self, node: ast.Assign) -> None:
        for t in node.targets:
            self._check_target(t, node, "assigns")
            # Aliases of modules: `m = np` makes later `m.isclose = ...` a patch of numpy.
            value = node.value
            if isinstance(t, ast.Name) and (
                    (isinstance(value, (ast.Name, ast.Attribute)) and self._is_module_expr(value))
                    or (isinstance(value, ast.Call) and _dotted(value.func) in {"__import__", "importlib.import_module",
                                                                               "sys.modules.get"})):
                self.modules.add(t.id)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._check_target(node.target, node, "changes")
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._check_target(node.target, node, "assigns")
        self.generic_visit(node)

    def visit_Delete(self, node: ast.Delete) -> None:
        for t in node.targets:
            self._check_target(t, node, "deletes")
        self.generic_visit(node)

    # calls and attributes -----------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        name = _dotted(node.func)
        last = name.rsplit(".", 1)[-1]
        if isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_CALLS:
            self.add("tamper", node, f"calls {node.func.id}(), which {FORBIDDEN_CALLS[node.func.id]}")
        elif last in {"setattr", "delattr"} and node.args and (
                self._is_module_expr(node.args[0]) or isinstance(node.args[0], (ast.Call, ast.Subscript))):
            self.add("tamper", node, f"calls {last}() on {_dotted(node.args[0]) or 'an object'}")
        elif last in {"run_line_magic", "run_cell_magic", "magic"} and node.args and isinstance(
                node.args[0], ast.Constant) and str(node.args[0].value).split()[0] in FORBIDDEN_MAGICS:
            self.add("tamper", node, f"uses the %{node.args[0].value} magic")
        elif name.startswith("os.") and last in OS_CALLS:
            self.add("tamper", node, f"calls {name}(), which acts outside the notebook")
        elif name.startswith(("os.environ.", "os.environ")) and last in {"update", "pop", "clear", "setdefault",
                                                                       "__setitem__"}:
            self.add("tamper", node, "changes the grader's environment variables")
        elif last in {"__setattr__", "__delattr__", "__setitem__"} and self._is_module_expr(node.func):
            self.add("tamper", node, f"calls {name}() on a module")
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in DUNDER_ACCESS:
            self.add("tamper", node, f"uses {node.attr}, which reaches into the internals of functions or frames")
        elif (self.solution and isinstance(node.value, ast.Name) and node.value.id == "course"
              and node.attr not in SAFE_COURSE and not node.attr.startswith("__")):
            self.add("reference", node, f"uses course.{node.attr} from the course package: the reference "
                                        "implementations instead of the student's own code")
        elif node.attr in HOOK_ATTRIBUTES or _dotted(node) in HOOK_NAMES:
            self.add("tamper", node, f"uses {_dotted(node) or node.attr}, which can change how errors and results "
                                     "are reported or reach into the checks")
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in {"__builtins__", "__builtin__", "__import__", "monkeypatch"}:
            self.add("tamper", node, f"uses {node.id}")

        self.generic_visit(node)


def scan(source: str, solution: bool = True, modules: set[str] | None = None) -> list[Finding]:
    """Suspicious constructs in one cell's code (``solution``: also flag use of the reference code)."""
    try:
        tree = ast.parse(python_source(source))
    except SyntaxError:
        return []  # it fails when run, like any syntax error
    scanner = _Scanner(KNOWN_MODULES | (modules or set()), solution)
    scanner.visit(tree)
    unique = list(dict.fromkeys(scanner.findings))
    return sorted(unique, key=lambda f: f.line)


def imported_modules(sources: list[str]) -> set[str]:
    """Names bound to modules by the notebook's imports (so `import numpy as xp; xp.isclose = f` is caught)."""
    found: set[str] = set()
    for source in sources:
        try:
            tree = ast.parse(python_source(source))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found |= {(a.asname or a.name).split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in {
                    "numpy", "course", "sys", "os", "importlib", "IPython", "builtins"}:
                found |= {a.asname or a.name for a in node.names}
    return found
