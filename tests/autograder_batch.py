"""Fabricated submissions for the autograder tests, built from any lesson (so the tests grow with the course).

Each builder returns ``(notebook, expected)`` where ``expected`` maps every test cell's grade id
to the exact points the submission must get. Submissions start from the released lesson
(what a student receives) and fill solution cells with the instructor's solution code.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass

import nbformat
from nbformat import NotebookNode

from autograder import notebooks as nbt
from autograder.paths import LESSONS, SOLUTIONS


@dataclass
class Lesson:
    name: str
    source: NotebookNode
    release: NotebookNode

    @property
    def points(self) -> dict[str, float]:
        return {nbt.grade_id(c): float(nbt.meta(c)["points"]) for c in nbt.graded_cells(self.source)}

    @property
    def exercises(self) -> list[str]:
        """Solution grade ids that have a test cell, in notebook order."""
        tests = set(self.points)
        return [nbt.grade_id(c) for c in nbt.solution_cells(self.source) if f"test_{nbt.grade_id(c)}" in tests]

    @property
    def last_function(self) -> str:
        """The last exercise whose solution is a function (code can be injected into its body, and no
        later exercise of the lesson builds on it)."""
        for gid in reversed(self.exercises):
            if "def " in nbt.find(self.source, gid).source:
                return gid
        raise LookupError(f"{self.name} has no function exercise")

    def solution_source(self, gid: str) -> str:
        return nbt.find(self.source, gid).source

    def submission(self, solved: list[str] | None = None) -> NotebookNode:
        """The released lesson with the instructor's code in the ``solved`` exercises (default: all)."""
        nb = copy.deepcopy(self.release)
        for gid in self.exercises if solved is None else solved:
            nbt.find(nb, gid).source = self.solution_source(gid)
        return nb

    def full(self) -> dict[str, float]:
        return dict(self.points)

    def only(self, solved: list[str]) -> dict[str, float]:
        return {t: (p if t[len("test_"):] in solved else 0.0) for t, p in self.points.items()}


def load(name: str) -> Lesson:
    read = lambda root: nbformat.read(str(root / name / f"{name}.ipynb"), as_version=4)  # noqa: E731
    return Lesson(name, read(SOLUTIONS), read(LESSONS))


def inject(source: str, code: str) -> str:
    """Put ``code`` first in the solution body (right after ``### BEGIN SOLUTION``)."""
    match = re.search(r"^([ \t]*)### BEGIN SOLUTION[^\n]*\n", source, re.M)
    assert match, "no ### BEGIN SOLUTION marker"
    indent = match.group(1)
    body = "".join(f"{indent}{line}\n" for line in code.splitlines())
    return source[: match.end()] + body + source[match.end():]


# --- builders: (notebook, expected points per test) -----------------------------------------

def correct(lesson: Lesson):
    return lesson.submission(), lesson.full()


def released(lesson: Lesson):
    return copy.deepcopy(lesson.release), lesson.only([])


def partial(lesson: Lesson):
    # The first exercises (later ones may build on earlier ones, never the other way round).
    solved = lesson.exercises[: max(1, len(lesson.exercises) // 2)]
    return lesson.submission(solved), lesson.only(solved)


def _broken_first(lesson: Lesson, code: str):
    nb = lesson.submission()
    gid = lesson.last_function
    cell = nbt.find(nb, gid)
    cell.source = inject(cell.source, code)
    return nb, {t: (0.0 if t == f"test_{gid}" else p) for t, p in lesson.points.items()}


def infinite_loop(lesson: Lesson):
    return _broken_first(lesson, "while True:\n    pass")


def kernel_death(lesson: Lesson):
    return _broken_first(lesson, "import os\nos._exit(1)")


def memory_hog(lesson: Lesson):
    return _broken_first(lesson, "hog = bytearray(6 * 1024 ** 3)")


def stderr_warnings(lesson: Lesson):
    nb = lesson.submission()
    for gid in lesson.exercises:
        cell = nbt.find(nb, gid)
        if "def " in cell.source:
            cell.source = inject(cell.source, 'import sys, os, warnings\nwarnings.warn("harmless", UserWarning)\n'
                                              'print("debugging", file=sys.stderr)\nos.write(2, b"raw stderr\\n")')
    nb.cells.insert(2, nbt.code('import sys\nprint("a warning on stderr", file=sys.stderr)'))
    return nb, lesson.full()


def edited_and_deleted_tests(lesson: Lesson):
    nb = lesson.submission()
    tests = [nbt.grade_id(c) for c in nbt.graded_cells(nb)]
    nbt.find(nb, tests[0]).source = "# I do not need this test\n2"
    if len(tests) > 1:
        nb.cells.remove(nbt.find(nb, tests[-1]))
    return nb, lesson.full()


def duplicated_and_reordered(lesson: Lesson):
    nb = lesson.submission()
    first = lesson.exercises[0]
    sol, test = nbt.find(nb, first), nbt.find(nb, f"test_{first}")
    # a stale stub copy after the real solution, a second copy of the test, and the test moved above its solution
    stub = copy.deepcopy(nbt.find(lesson.release, first))
    nb.cells.insert(nb.cells.index(sol) + 1, stub)
    nb.cells.append(copy.deepcopy(test))
    nb.cells.remove(test)
    nb.cells.insert(nb.cells.index(sol), test)
    if len(lesson.exercises) > 1:  # swap the last exercise (solution and test) to the front
        last = lesson.exercises[-1]
        moved = [nbt.find(nb, last), nbt.find(nb, f"test_{last}")]
        for cell in moved:
            nb.cells.remove(cell)
        nb.cells[2:2] = moved
    return nb, lesson.full()


def stripped_metadata(lesson: Lesson, keep_ids: bool = True):
    nb = lesson.submission()
    for i, cell in enumerate(nb.cells):
        cell.metadata.pop("nbgrader", None)
        cell.metadata.pop("deletable", None)
        cell.metadata.pop("editable", None)
        if not keep_ids:
            cell["id"] = f"fresh{i:04d}"
    return nb, lesson.full()


def patched_numpy(lesson: Lesson):
    """Correct code, then a cell that patches numpy's comparisons: every test after it scores 0."""
    nb = lesson.submission()
    first = lesson.exercises[0]
    after = nb.cells.index(nbt.find(nb, f"test_{first}")) + 1
    nb.cells.insert(after, nbt.code("np.isclose = lambda *a, **k: np.ones(np.broadcast(*a[:2]).shape, bool)\n"
                                    "np.allclose = lambda *a, **k: True"))
    return nb, {t: (p if t == f"test_{first}" else 0.0) for t, p in lesson.points.items()}


def patched_checks(lesson: Lesson):
    """Stubs everywhere, and a cell replacing the course's grading so every test would pass: all 0."""
    nb = copy.deepcopy(lesson.release)
    nb.cells.insert(2, nbt.code(
        "import sys, types\n"
        "fake = types.ModuleType('course.grading')\n"
        "fake.grade = lambda lesson, name, fn, points, seed=None: points\n"
        "sys.modules['course.grading'] = fake\n"
        "import course.checks.core as core\n"
        "core.Exercise.check = lambda self, fn: None\n"
        "get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)"))
    return nb, lesson.only([])


def hidden_errors(lesson: Lesson):
    """Stubs, with tracebacks silenced through IPython: plain nbgrader would give full points."""
    nb = copy.deepcopy(lesson.release)
    nb.cells.insert(2, nbt.code("ip = get_ipython()\nip.showtraceback = lambda *a, **k: None"))
    return nb, lesson.only([])


BUILDERS = {f.__name__: f for f in (correct, released, partial, infinite_loop, kernel_death, memory_hog,
                                    stderr_warnings, edited_and_deleted_tests, duplicated_and_reordered,
                                    stripped_metadata, patched_numpy, patched_checks, hidden_errors)}


# --- grading a batch once per session (shared by the test modules) ----------------------------

import atexit  # noqa: E402
import functools  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

from autograder.paths import assignments  # noqa: E402

HOSTILE = ["infinite_loop", "kernel_death", "memory_hog", "stderr_warnings", "edited_and_deleted_tests",
           "duplicated_and_reordered", "stripped_metadata", "patched_numpy", "patched_checks", "hidden_errors"]
BROKEN_FILES = {"empty_file": "", "invalid_json": '{"cells": [{"cell_type": "code", "sou'}
TEST_CONFIG = {"GuardedExecute": {"timeout": 10}}


def _tmp(prefix: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, path, True)
    return path


@dataclass
class Batch:
    source: Path
    grading: Path
    db_url: str
    expected: dict  # student -> {test: points} (None: a per-student error is expected)
    summary: object = None
    before: dict | None = None  # digests of the source and submitted folders before grading

    def scores(self) -> dict[str, dict[str, float]]:
        from autograder.gradebook import scores

        out: dict[str, dict[str, float]] = {}
        for r in scores(self.db_url):
            out.setdefault(r["student"], {})[r["test"]] = r["score"]
        return out

    def results(self) -> dict[str, dict]:
        from autograder.gradebook import results

        return {r["student"]: r for r in results(self.db_url)}


def build_source(root: Path, lessons: list[str], hostile: bool) -> dict:
    """Write submissions as students hand them in; return the expected points per student."""
    expected: dict = {}
    for name in lessons:
        lesson = load(name)
        num = name[:2]
        for kind, build in (("sol", correct), ("rel", released), ("part", partial)):
            nb, exp = build(lesson)
            nbt.write(nb, root / f"{kind}{num}" / name / f"{name}.ipynb")
            expected[f"{kind}{num}"] = exp
    if hostile:
        lesson = load(lessons[0])
        for kind in HOSTILE:
            nb, exp = BUILDERS[kind](lesson)
            nbt.write(nb, root / kind / f"{lesson.name}.ipynb")
            expected[kind] = exp
        for student, text in BROKEN_FILES.items():
            (root / student).mkdir()
            (root / student / f"{lesson.name}.ipynb").write_text(text)
            expected[student] = None
        (root / "missing_notebook" / lesson.name).mkdir(parents=True)
        (root / "missing_notebook" / lesson.name / "notes.txt").write_text("forgot the notebook")
        expected["missing_notebook"] = None
        nb, exp = correct(lesson)
        nbt.write(nb, root / f"zoë-李_{lesson.name}.ipynb")  # flat layout, non-ASCII id
        expected["zoë-李"] = exp
    return expected


@functools.lru_cache(maxsize=None)
def graded_batch() -> Batch:
    """Every lesson's solution, released lesson and partial submission, plus the hostile notebooks of the
    first lesson, imported and graded together in parallel (once per test session)."""
    from autograder.parallel import autograde
    from autograder.submissions import import_submissions

    source, grading = _tmp("batch-src-"), _tmp("batch-grading-")
    expected = build_source(source, assignments(), hostile=True)
    import_submissions(source, grading)
    db_url = f"sqlite:///{grading / 'gradebook.db'}"
    batch = Batch(source, grading, db_url, expected)
    batch.before = {"source": tree_digest(source), "submitted": tree_digest(grading / "submitted")}
    batch.summary = autograde(grading=grading, db_url=db_url, jobs=os.cpu_count(), progress=False,
                              config=TEST_CONFIG)
    return batch


def tree_digest(root: Path) -> dict[str, str]:
    import hashlib

    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() + oct(p.stat().st_mode)
            for p in sorted(root.rglob("*")) if p.is_file()}
