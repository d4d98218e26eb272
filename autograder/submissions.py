"""Submissions: import them from a folder or a zip, find them, and check each file before grading.

Accepted layouts (``<assignment>`` is an assignment name such as ``01_logistic_regression``,
or just its number ``01``):

* ``<student>/<assignment>.ipynb``
* ``<student>/<assignment>/<assignment>.ipynb`` (nbgrader's own; other files in the folder come along,
  and a single notebook with another name, e.g. ``Copy of ....ipynb``, is taken for the assignment)
* ``<student>_<assignment>.ipynb`` or ``<student>-<assignment>.ipynb`` (flat, as LMS exports do)

Files are copied byte for byte into ``<grading>/submitted/<student>/<assignment>/``; nothing
is ever written back into what was imported.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .paths import assignments, grading_dir

IGNORED_PARTS = {".ipynb_checkpoints", "__MACOSX", ".git", "__pycache__"}


@dataclass
class ImportReport:
    imported: list[tuple[str, str]] = field(default_factory=list)  # (student, assignment)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def student_id_problem(student: str) -> str | None:
    """Why ``student`` cannot be used as a student id (None if it can)."""
    if not student or student in {".", ".."} or student != student.strip():
        return "an empty id, or one starting or ending with spaces"
    if any(ch in student for ch in "/\\") or any(unicodedata.category(ch)[0] == "C" for ch in student):
        return "it contains a slash or a control character"
    if len(student) > 128:
        return "it is longer than 128 characters"
    return None


def _assignment_for(name: str, known: list[str]) -> str | None:
    if name in known:
        return name
    numbered = [a for a in known if a.split("_", 1)[0] == name]
    return numbered[0] if len(numbered) == 1 else None


def _split_flat(stem: str, known: list[str]) -> tuple[str, str] | None:
    """``alice_01_logistic_regression`` -> (alice, 01_logistic_regression)."""
    for assignment in sorted(known, key=len, reverse=True):
        for key in (assignment, assignment.split("_", 1)[0]):
            for sep in "_-":
                if stem.endswith(sep + key) and len(stem) > len(key) + 1:
                    return stem[: -len(key) - 1], assignment
    return None


def _visible(path: Path, root: Path) -> bool:
    rel = path.relative_to(root).parts
    return not any(p in IGNORED_PARTS or p.startswith(".") for p in rel)


def discover(root: Path, known: list[str]) -> tuple[dict[tuple[str, str], list[tuple[Path, str]]], list[str]]:
    """Map (student, assignment) to the files to copy (source path, path inside the assignment folder)."""
    found: dict[tuple[str, str], list[tuple[Path, str]]] = {}
    problems: list[str] = []
    for entry in sorted(root.iterdir()):
        if not _visible(entry, root):
            continue
        if entry.is_file():
            if entry.suffix != ".ipynb":
                continue
            split = _split_flat(entry.stem, known)
            if split:
                found.setdefault(split, []).append((entry, f"{split[1]}.ipynb"))
            else:
                problems.append(f"{entry.name}: cannot tell the student and assignment from the file name "
                                f"(expected <student>_<assignment>.ipynb)")
            continue
        student = entry.name
        for item in sorted(entry.iterdir()):
            if not _visible(item, root):
                continue
            assignment = _assignment_for(item.stem if item.is_file() else item.name, known)
            if item.is_file() and item.suffix == ".ipynb" and assignment:
                found.setdefault((student, assignment), []).append((item, f"{assignment}.ipynb"))
            elif item.is_dir() and assignment:
                files = [p for p in sorted(item.rglob("*")) if p.is_file() and _visible(p, root)]
                notebooks = [p for p in files if p.suffix == ".ipynb" and p.parent == item]
                expected = item / f"{assignment}.ipynb"
                rename = notebooks[0] if expected not in notebooks and len(notebooks) == 1 else None
                entries = [(p, f"{assignment}.ipynb" if p == rename else str(p.relative_to(item))) for p in files]
                found.setdefault((student, assignment), []).extend(entries)
            elif item.suffix == ".ipynb" or item.is_dir():
                problems.append(f"{student}/{item.name}: not an assignment of this course "
                                f"({', '.join(known)})")
    return found, problems


def _safe_extract(archive: Path, into: Path) -> None:
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            target = (into / info.filename).resolve()
            if not str(target).startswith(str(into.resolve())):
                raise ValueError(f"{archive.name}: refusing the unsafe path {info.filename!r}")
        zf.extractall(into)


def import_submissions(source: str | Path, grading: Path | None = None, force: bool = False) -> ImportReport:
    """Copy submissions from a folder or zip into ``<grading>/submitted``."""
    source = Path(source)
    grading = grading or grading_dir()
    known = assignments()
    report = ImportReport()
    with tempfile.TemporaryDirectory() as tmp:
        root = source
        if source.is_file() and zipfile.is_zipfile(source):
            root = Path(tmp)
            _safe_extract(source, root)
            tops = [p for p in root.iterdir() if _visible(p, root)]
            if len(tops) == 1 and tops[0].is_dir() and not _assignment_for(tops[0].name, known) and not any(
                    _assignment_for(p.stem if p.is_file() else p.name, known) for p in tops[0].iterdir()):
                root = tops[0]  # a zip of one folder holding the student folders
        elif not source.is_dir():
            raise FileNotFoundError(f"{source} is neither a folder nor a zip file")
        found, report.problems = discover(root, known)
        for (student, assignment), files in sorted(found.items()):
            student_nfc = unicodedata.normalize("NFC", student)
            problem = student_id_problem(student_nfc)
            if problem:
                report.problems.append(f"{student!r}: skipped, not a usable student id ({problem})")
                continue
            dest = grading / "submitted" / student_nfc / assignment
            if dest.exists():
                if not force and _digest_dir(dest) == _digest_files(files):
                    report.notes.append(f"{student_nfc}/{assignment}: unchanged")
                    continue
                shutil.rmtree(dest)
            dest.mkdir(parents=True)
            for path, rel in files:
                (dest / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, dest / rel)
                if rel == f"{assignment}.ipynb" and path.name != rel and path.parent.name == assignment:
                    report.notes.append(f"{student_nfc}/{assignment}: took {path.name} as {rel}")
            if not any(rel == f"{assignment}.ipynb" for _, rel in files):
                report.problems.append(f"{student_nfc}/{assignment}: no notebook {assignment}.ipynb (graded as "
                                       "missing)")
            report.imported.append((student_nfc, assignment))
    return report


# --- finding and checking what was imported ---------------------------------------------------

def _digest_files(files: list[tuple[Path, str]]) -> str:
    h = hashlib.sha256()
    for path, rel in sorted(files, key=lambda t: t[1]):
        h.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _digest_dir(folder: Path) -> str:
    return _digest_files([(p, str(p.relative_to(folder))) for p in folder.rglob("*") if p.is_file()])


def submitted_files(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): str(p) for p in sorted(folder.rglob("*"))
            if p.is_file() and ".ipynb_checkpoints" not in p.parts}


def find_submitted(grading: Path, names: list[str] | None = None, students: list[str] | None = None
                   ) -> list[tuple[str, str, Path, str]]:
    """(student, assignment, folder, digest) for every imported submission."""
    out = []
    base = grading / "submitted"
    if not base.is_dir():
        return out
    for student_dir in sorted(p for p in base.iterdir() if p.is_dir()):
        if students and student_dir.name not in students:
            continue
        for folder in sorted(p for p in student_dir.iterdir() if p.is_dir()):
            if names and folder.name not in names:
                continue
            out.append((student_dir.name, folder.name, folder, _digest_dir(folder)))
    return out


def notebook_problem(path: Path) -> str | None:
    """Why the file at ``path`` cannot be graded as a notebook (None if it can be)."""
    if not path.exists():
        return f"the notebook {path.name} is missing from the submission"
    data = path.read_bytes()
    if not data.strip():
        return f"{path.name} is empty ({len(data)} bytes): nothing was submitted"
    try:
        parsed = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        return f"{path.name} is not a text file: it is not a notebook"
    except json.JSONDecodeError as exc:
        return f"{path.name} is not valid notebook JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); " \
               "the file may be truncated or was saved by something other than Jupyter"
    if not isinstance(parsed, dict) or not isinstance(parsed.get("cells", None), list):
        return f"{path.name} is JSON but not a notebook (it has no list of cells)"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nbformat.reads(data.decode("utf-8"), as_version=4)
    except Exception as exc:
        return f"{path.name} is not a valid notebook: {str(exc).splitlines()[0][:200]}"
    return None
