"""The instructor command line: every step's help, import layouts, export, report, feedback, sync-setup."""
from __future__ import annotations

import csv
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder import cli
from autograder import notebooks as nbt
from autograder.paths import REPO, assignments
from autograder.submissions import import_submissions, student_id_problem
from autograder_batch import graded_batch, load

STEPS = ["release", "import", "autograde", "feedback", "export", "report", "sync-setup"]


@pytest.mark.parametrize("step", STEPS)
def test_every_step_has_help(step, capsys):
    with pytest.raises(SystemExit) as done:
        cli.main([step, "--help"])
    assert done.value.code == 0
    assert "--db" in capsys.readouterr().out


def test_module_and_help_list_the_steps():
    out = subprocess.run([sys.executable, "-m", "autograder", "--help"], capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 0 and all(step in out.stdout for step in STEPS)


def test_import_help_names_the_accepted_layouts(capsys):
    with pytest.raises(SystemExit):
        cli.main(["import", "--help"])
    text = capsys.readouterr().out
    assert "<student>/<assignment>.ipynb" in text and "<student>_<assignment>.ipynb" in text and ".zip" in text


def _layouts(root: Path) -> None:
    name = assignments()[0]
    nb = load(name).release
    nbt.write(nb, root / "ana" / f"{name}.ipynb")
    nbt.write(nb, root / "bo" / name / f"{name}.ipynb")
    (root / "bo" / name / "data.csv").write_text("1,2\n")
    nbt.write(nb, root / "cy" / name / "Copy of my work.ipynb")
    nbt.write(nb, root / f"dee_dee_{name}.ipynb")
    nbt.write(nb, root / f"eve-{name[:2]}.ipynb")
    nbt.write(nb, root / "José" / f"{name[:2]}.ipynb")
    (root / "fay" / name).mkdir(parents=True)
    (root / "stray.ipynb").write_text("{}")
    (root / ".ipynb_checkpoints").mkdir()


def test_import_accepts_every_layout_and_copies_bytes(tmp_path):
    src, grading = tmp_path / "src", tmp_path / "grading"
    _layouts(src)
    before = {p: p.read_bytes() for p in src.rglob("*") if p.is_file()}
    report = import_submissions(src, grading)
    name = assignments()[0]
    assert sorted(report.imported) == sorted((s, name) for s in ["ana", "bo", "cy", "dee_dee", "eve", "José", "fay"])
    sub = grading / "submitted"
    assert (sub / "bo" / name / "data.csv").read_text() == "1,2\n"
    assert (sub / "cy" / name / f"{name}.ipynb").read_bytes() == (src / "cy" / name / "Copy of my work.ipynb"
                                                                  ).read_bytes()
    assert any("stray.ipynb" in p for p in report.problems)
    assert any("fay" in p and "no notebook" in p for p in report.problems)
    assert before == {p: p.read_bytes() for p in src.rglob("*") if p.is_file()}  # the source is untouched
    again = import_submissions(src, grading)
    assert not again.imported  # unchanged submissions are not copied again


def test_import_from_zip(tmp_path):
    src = tmp_path / "src"
    _layouts(src)
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for p in src.rglob("*"):
            if p.is_file():
                zf.write(p, Path("export") / p.relative_to(src))
    report = import_submissions(archive, tmp_path / "grading")
    assert len(report.imported) == 6  # a zip keeps no empty folder ("fay")


@pytest.mark.parametrize("student, ok", [("zoë-李", True), ("a b", True), ("", False), ("..", False),
                                         ("x/y", False), ("tab\t", False)])
def test_student_ids(student, ok):
    assert (student_id_problem(student) is None) == ok


@pytest.mark.slow
def test_export_report_and_feedback(tmp_path, monkeypatch):
    batch = graded_batch()
    monkeypatch.setenv("WORKBOOK_GRADING_DIR", str(batch.grading))  # restored after the test (cli.main sets them)
    monkeypatch.setenv("WORKBOOK_DB_URL", batch.db_url)
    env = ["--grading-dir", str(batch.grading), "--db", batch.db_url]
    assert cli.main(["export", "--out", str(tmp_path / "export"), *env]) == 0
    grades = list(csv.DictReader((tmp_path / "export" / "grades.csv").open(encoding="utf-8")))
    by_student = {r["student"]: r for r in grades}
    first = assignments()[0]
    assert float(by_student["sol01"][first]) == sum(batch.expected["sol01"].values())
    assert float(by_student["rel01"]["total"]) == 0
    subs = list(csv.DictReader((tmp_path / "export" / "submissions.csv").open(encoding="utf-8")))
    status = {r["student"]: r for r in subs}
    assert status["empty_file"]["status"] == "error" and "empty" in status["empty_file"]["flags_or_error"]
    assert "tamper" in status["patched_numpy"]["flags_or_error"]
    tests = list(csv.DictReader((tmp_path / "export" / "tests.csv").open(encoding="utf-8")))
    loop = [r for r in tests if r["student"] == "infinite_loop" and float(r["score"]) == 0]
    assert loop and "timed out" in loop[0]["message"]

    assert cli.main(["report", "--out", str(tmp_path / "report"), *env]) == 0
    html = (tmp_path / "report" / "report.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "Tests most often failed" in html
    assert "not written yet" in html and "tampering" in html and "patched_numpy" in html

    assert cli.main(["feedback", first, "--student", "infinite_loop", *env]) == 0
    page = batch.grading / "feedback" / "infinite_loop" / first / f"{first}.html"
    text = page.read_text(encoding="utf-8")
    assert "timed out" in text and "Autograder notes" in text


def test_sync_setup_rewrites_the_setup_cell(tmp_path, monkeypatch):
    from autograder import release, sync_setup
    from course._config import setup_cell_source

    name = assignments()[0]
    solutions = tmp_path / "solutions"
    (solutions / name).mkdir(parents=True)
    nb = nbt.read(REPO / "solutions" / name / f"{name}.ipynb")
    nbt.find(nb, "setup").source = "import course  # an old setup cell"
    nbt.write(nb, solutions / name / f"{name}.ipynb")
    regenerated = []
    monkeypatch.setattr(sync_setup, "SOLUTIONS", solutions)
    monkeypatch.setattr(release, "generate", lambda names=None, **kw: regenerated.append(names))
    assert sync_setup.sync_setup([name]) == [name]
    assert nbt.find(nbt.read(solutions / name / f"{name}.ipynb"), "setup").source == setup_cell_source()
    assert regenerated == [[name]]
    assert sync_setup.sync_setup([name]) == []  # already current


@pytest.mark.slow
def test_grade_notebook_entry_point(tmp_path):
    """The browser test's entry point: one file, one student, scores per test cell."""
    from autograder import grade_notebook
    from autograder_batch import stripped_metadata

    lesson = load(assignments()[0])
    nb, expected = stripped_metadata(lesson)
    path = tmp_path / "saved by an editor.ipynb"
    nbt.write(nb, path)
    before = path.read_bytes()
    graded = grade_notebook(path, lesson.name, "someone", details=True)
    scores = graded["scores"]
    assert {gid: s for gid, (s, _) in scores.items()} == expected, "\n".join(graded.get("log", []))
    assert {gid: m for gid, (_, m) in scores.items()} == lesson.points
    assert path.read_bytes() == before
