"""Colab readiness: what a test can check without Colab itself.

* Every lesson's first cell installs the package where it is missing (and with exactly
  ``pip_spec()``), and does nothing where ``course`` is importable (no pip call at all).
* The package installs from a git URL, the way Colab's pip gets it, with every module in it.
* Lessons and widgets use nothing Colab lacks: no IPython magics or shell escapes, no ipympl,
  no JavaScript outputs, no pyplot state; only core ipywidgets.
* Notebooks are nbformat 4.5 (cell ids) with a plain ``python3`` kernel.
* Every widget cell renders under the inline backend: executed headless with nbclient, its
  widget tree holds an ``Output`` whose outputs include a PNG, the form Colab displays.

Format checks that apply to every notebook (valid nbformat, no outputs, the setup cell's
source) live in ``tests/test_notebooks.py``.
"""
from __future__ import annotations

import ast
import builtins
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import nbclient
import nbformat
import pytest

from autograder import notebooks as nbt
from autograder.paths import LESSONS, REPO, assignments
from course import _config

LESSON_PATHS = [LESSONS / a / f"{a}.ipynb" for a in assignments() if (LESSONS / a / f"{a}.ipynb").exists()]
WIDGET_MODULES = sorted((REPO / "course" / "widgets").glob("*.py"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _id(path: Path) -> str:
    return path.stem


def _setup_cell(path: Path) -> str:
    nb = nbformat.read(str(path), as_version=4)
    return next(c for c in nb.cells if c.cell_type == "code").source


def _kernel_env() -> dict[str, str]:
    """The environment of a student's kernel: no MPLBACKEND, so IPython chooses the inline backend."""
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)
    return env


def _execute(nb: nbformat.NotebookNode, cwd: Path, timeout: int = 180) -> nbformat.NotebookNode:
    client = nbclient.NotebookClient(nb, kernel_name="python3", timeout=timeout, store_widget_state=True,
                                     resources={"metadata": {"path": str(cwd)}})
    client.execute(env=_kernel_env())
    return nb


def _stdout(cell: nbformat.NotebookNode) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")


# --- the setup cell ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", LESSON_PATHS, ids=_id)
def test_setup_cell_installs_the_package_where_it_is_missing(path: Path, monkeypatch) -> None:
    """Run the lesson's real first cell with ``course`` reported missing: it must call pip with pip_spec()."""
    calls = []
    real_find_spec = importlib.util.find_spec

    def find_spec(name, *args, **kwargs):
        return None if name == "course" else real_find_spec(name, *args, **kwargs)

    def run(command, **kwargs):
        calls.append((command, kwargs))
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    monkeypatch.setattr(subprocess, "run", run)
    exec(compile(_setup_cell(path), f"<{path.stem} setup cell>", "exec"), {})
    assert calls == [([sys.executable, "-m", "pip", "install", "-q", _config.pip_spec()], {"check": True})]


def test_setup_cell_does_nothing_where_course_is_importable(tmp_path: Path) -> None:
    """Every lesson's first cell, run in a real kernel where the package is installed: no pip, no output."""
    spy = ("import subprocess\n"
           "pip_calls = []\n"
           "_real_run = subprocess.run\n"
           "def _spy(*args, **kwargs):\n"
           "    pip_calls.append(args)\n"
           "    return _real_run(*args, **kwargs)\n"
           "subprocess.run = _spy")
    report = "import json, course\nprint(json.dumps({'pip_calls': len(pip_calls), 'course': course.__file__}))"
    cells = [nbformat.v4.new_code_cell(spy)]
    cells += [nbformat.v4.new_code_cell(_setup_cell(p)) for p in LESSON_PATHS]
    cells += [nbformat.v4.new_code_cell(report)]
    nb = _execute(nbt.new_notebook(cells), tmp_path)
    for cell in nb.cells[1:-1]:
        assert not cell.outputs, f"the setup cell printed something: {cell.outputs}"
    result = json.loads(_stdout(nb.cells[-1]))
    assert result["pip_calls"] == 0
    assert Path(result["course"]).resolve().is_relative_to(REPO / "course")


def test_pip_spec_and_colab_urls_come_from_one_repository_location() -> None:
    from packaging.requirements import Requirement

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert re.fullmatch(r"[A-Za-z0-9][\w.-]*/[\w.-]+", _config.REPOSITORY), _config.REPOSITORY
    requirement = Requirement(_config.pip_spec())
    assert requirement.name == project["name"] == _config.DISTRIBUTION
    assert requirement.url == f"git+https://github.com/{_config.REPOSITORY}@{_config.REF}"
    assert _config.colab_url("lessons/x/x.ipynb") == (
        f"https://colab.research.google.com/github/{_config.REPOSITORY}/blob/{_config.REF}/lessons/x/x.ipynb")


@pytest.mark.slow
def test_package_installs_from_git_the_way_colab_gets_it(tmp_path: Path) -> None:
    """``pip install "<name> @ git+<url>@<commit>"`` (pip_spec()'s form, this clone as the URL) gives every module."""
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout: nothing to install from")
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    # file://localhost/...: the bundled pip 23.2 rejects an empty host (git+file:///...@sha) as "Invalid requirement".
    spec = f"{_config.DISTRIBUTION} @ git+file://localhost{REPO}@{head.strip()}"
    target = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), spec],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    tracked = subprocess.run(["git", "ls-files", "course"], cwd=REPO, capture_output=True, text=True,
                             check=True).stdout.split()
    modules = sorted(p for p in tracked if p.endswith(".py"))
    missing = [m for m in modules if not (target / m).exists()]
    assert not missing, f"the installed package lacks {missing} (a sub-package without __init__.py?)"
    names = [m[:-3].replace("/", ".").removesuffix(".__init__") for m in modules if not m.endswith("__main__.py")]
    probe = ("import importlib, sys, course\n"
             f"assert course.__file__.startswith({str(target)!r}), course.__file__\n"
             f"for name in {names!r}: importlib.import_module(name)\n"
             "print('ok')")
    env = dict(os.environ, PYTHONPATH=str(target), MPLBACKEND="Agg")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-3000:]


# --- nothing Colab lacks -------------------------------------------------------------------------

LAB_ONLY = [
    (re.compile(r"^\s*[%!]", re.M), "an IPython magic or shell escape (% or !)"),
    (re.compile(r"ipympl|%matplotlib\s+widget"), "ipympl (broken in Colab)"),
    (re.compile(r"\bJavascript\b|%%javascript|application/javascript"), "JavaScript output (blocked in Colab)"),
    (re.compile(r"get_ipython\(\)\.(run_line_magic|run_cell_magic|system)"), "a magic called through get_ipython()"),
    (re.compile(r"\bjupyterlab\b|\bjupyter_server\b"), "a JupyterLab-only module"),
]


@pytest.mark.parametrize("path", LESSON_PATHS, ids=_id)
def test_lesson_uses_nothing_colab_lacks(path: Path) -> None:
    nb = nbformat.read(str(path), as_version=4)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for pattern, what in LAB_ONLY:
            assert not pattern.search(cell.source), f"cell {index} uses {what}:\n{cell.source[:400]}"


@pytest.mark.parametrize("path", LESSON_PATHS, ids=_id)
def test_lesson_format_is_what_colab_opens(path: Path) -> None:
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    assert (nb.nbformat, nb.nbformat_minor) >= (4, 5), "cell ids need nbformat 4.5"
    assert all(cell.get("id") for cell in nb.cells)
    assert nb.metadata["kernelspec"]["name"] == "python3" and nb.metadata["kernelspec"].get("language", "python")
    assert "widgets" not in nb.metadata, "saved widget state would show stale widgets before the cells run"


# Colab has these (and the standard library); anything else would have to be installed there first.
ALLOWED_IN_WIDGETS = {"numpy", "matplotlib", "ipywidgets", "IPython", "course"} | set(sys.stdlib_module_names)


@pytest.mark.parametrize("module", WIDGET_MODULES, ids=lambda p: p.stem)
def test_widget_module_uses_only_what_colab_has_and_no_pyplot(module: Path) -> None:
    source = module.read_text()
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            roots = [] if node.level else [node.module or ""]
        else:
            continue
        for name in roots:
            assert name.split(".")[0] in ALLOWED_IN_WIDGETS, f"{module.name} imports {name}"
            assert name != "matplotlib.pyplot", f"{module.name} uses pyplot: use course.widgets.base.new_figure"
    identifiers = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    identifiers |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    assert not identifiers & {"Javascript", "display_javascript", "pyplot", "plt"}, f"{module.name}: {identifiers}"


# --- widgets render under the inline backend -----------------------------------------------------

def _names(tree: ast.AST) -> tuple[set[str], set[str]]:
    """(names a cell binds at module level, names it reads anywhere).

    Arguments and locals of the functions a cell defines are not module-level bindings, so a
    solution's ``def neuron(X, w, b)`` does not count as defining ``X``.
    """
    bound, read = set(), set()

    def visit(node: ast.AST, top: bool) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if top:
                bound.add(node.name)
            for child in ast.iter_child_nodes(node):
                visit(child, False)
            return
        if isinstance(node, ast.Lambda):
            for child in ast.iter_child_nodes(node):
                visit(child, False)
            return
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                read.add(node.id)
            elif top:
                bound.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)) and top:
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child, top)

    visit(tree, True)
    return bound, read


def _widget_builders(cells: list[nbformat.NotebookNode]) -> set[str]:
    """Names the lesson imports from ``course.widgets``."""
    names = set()
    for cell in cells:
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("course.widgets"):
                names.update(a.asname or a.name for a in node.names)
    return names


def _shows_a_figure(tree: ast.Module, builders: set[str]) -> bool:
    """A cell meant to show a picture: it ends by calling a ``course.widgets`` name, or calls ``show_figure``."""
    def calls(node: ast.AST, names: set[str]) -> bool:
        return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names

    last = tree.body[-1] if tree.body else None
    ends_with_builder = isinstance(last, ast.Expr) and calls(last.value, builders)
    return ends_with_builder or any(calls(n, {"show_figure"} & builders) for n in ast.walk(tree))


def _widget_plan(nb: nbformat.NotebookNode, name: str) -> tuple[list[nbformat.NotebookNode], list[int]]:
    """The cells to run for the lesson's pictures (setup, imports, what they read) and which show one.

    Exercises never feed a widget or a figure (CONTRIBUTING), so solution and test cells are
    left out; ``name`` labels the lesson in messages.
    """
    code = [c for c in nb.cells if c.cell_type == "code"]
    builders = _widget_builders(code)
    parsed = [ast.parse(c.source) for c in code]
    shown = [i for i, tree in enumerate(parsed) if _shows_a_figure(tree, builders)]
    exercise = {i for i, c in enumerate(code) if c.metadata.get("nbgrader", {}).get("solution")
                or c.metadata.get("nbgrader", {}).get("grade")}
    keep = {0} | set(shown)
    for w in shown:
        _, needed = _names(parsed[w])
        needed -= set(dir(builtins))
        for i in range(w - 1, -1, -1):
            bound, read = _names(parsed[i])
            if i in exercise or not (bound & needed):
                continue  # an exercise is never run here: a picture that needs one fails with a NameError
            keep.add(i)
            needed = (needed - bound) | (read - set(dir(builtins)))
    order = sorted(keep)
    return [code[i] for i in order], [order.index(w) for w in shown]


def _png_outputs_reachable(state: dict, model_id: str, seen: set[str] | None = None) -> int:
    """How many PNG images the Output widgets under ``model_id`` hold."""
    seen = set() if seen is None else seen
    if model_id in seen or model_id not in state:
        return 0
    seen.add(model_id)
    model = state[model_id]
    count = 0
    if model.get("model_name") == "OutputModel":
        count += sum("image/png" in o.get("data", {}) for o in model["state"].get("outputs", []))
    for value in model["state"].values():
        refs = value if isinstance(value, list) else [value]
        for ref in refs:
            if isinstance(ref, str) and ref.startswith("IPY_MODEL_"):
                count += _png_outputs_reachable(state, ref[len("IPY_MODEL_"):], seen)
    return count


LESSONS_WITH_WIDGETS = [p for p in LESSON_PATHS if _widget_builders(
    [c for c in nbformat.read(str(p), as_version=4).cells if c.cell_type == "code"])]


@pytest.mark.slow
@pytest.mark.parametrize("path", LESSONS_WITH_WIDGETS, ids=_id)
def test_widgets_and_figures_render_as_png_under_the_inline_backend(path: Path, tmp_path: Path) -> None:
    cells, widget_positions = _widget_plan(nbformat.read(str(path), as_version=4), path.stem)
    cells = [nbformat.v4.new_code_cell(c.source) for c in cells]
    cells.append(nbformat.v4.new_code_cell("import matplotlib; print(matplotlib.get_backend())"))
    nb = _execute(nbt.new_notebook(cells), path.parent)
    assert "inline" in _stdout(nb.cells[-1]), f"the kernel's backend was {_stdout(nb.cells[-1])!r}"
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for position in widget_positions:
        cell = nb.cells[position]
        assert not [o for o in cell.outputs if o.get("output_type") == "error" or o.get("name") == "stderr"], \
            cell.outputs
        views = [o["data"][WIDGET_VIEW]["model_id"] for o in cell.outputs if WIDGET_VIEW in o.get("data", {})]
        images = [o for o in cell.outputs if "image/png" in o.get("data", {})]
        assert all(model_id in state for model_id in views), "a displayed widget has no saved state to render from"
        in_widgets = sum(_png_outputs_reachable(state, model_id) for model_id in views)
        assert images or in_widgets, f"{path.stem}: a cell showed no PNG, directly or in a widget:\n{cell.source[:500]}"


def test_widget_cell_finder_follows_what_a_cell_reads() -> None:
    """The dependency walk above: keeps the setup cell and what the widget reads, skips the rest."""
    cells = [nbformat.v4.new_code_cell(s) for s in (
        "import numpy as np",                                  # setup
        "from course.widgets.base import live_figure",         # import of a builder
        "X = np.ones(3)\nunrelated = 1",                         # teaching cell the widget reads
        "print(unrelated)",                                    # teaching cell it does not need
        "live_figure(lambda: None, {'x': X})",                 # the widget cell
    )]
    kept, widgets = _widget_plan(nbt.new_notebook(cells), "example")
    assert [c.source for c in kept] == [cells[i].source for i in (0, 1, 2, 4)]
    assert widgets == [3]
