"""The instructor command line: ``python -m autograder <step> --help`` (or the ``autograder`` script).

Steps, in the order of a term: release -> import -> autograde -> feedback -> export -> report.
Grading state (gradebook, submitted/, autograded/, feedback/) lives in grading/ or --grading-dir
(WORKBOOK_GRADING_DIR); the gradebook is SQLite there unless --db (WORKBOOK_DB_URL) names a
database such as postgresql+psycopg://user:password@host/dbname.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import release

IMPORT_HELP = """Copy students' notebooks into <grading>/submitted/<student>/<assignment>/ (byte for byte;
the source is never modified). SOURCE is a folder or a .zip holding any of these layouts:

  <student>/<assignment>.ipynb
  <student>/<assignment>/<assignment>.ipynb   (nbgrader's layout; other files come along, and a
                                               single notebook with another name is taken)
  <student>_<assignment>.ipynb  or  <student>-<assignment>.ipynb

<assignment> is an assignment name (01_logistic_regression) or its number (01). Student ids may
use any letters (é, ü, 李); ids with slashes or control characters are reported and skipped.
Re-importing an unchanged submission does nothing; a changed one replaces the old copy."""


def _setup_env(args: argparse.Namespace) -> None:
    """--grading-dir / --db become the environment every nbgrader process and worker reads."""
    if getattr(args, "grading_dir", None):
        os.environ["WORKBOOK_GRADING_DIR"] = str(Path(args.grading_dir).resolve())
    if getattr(args, "db", None):
        os.environ["WORKBOOK_DB_URL"] = args.db


def _db() -> str:
    from .paths import db_url

    return db_url()


def _release(args: argparse.Namespace) -> int:
    names = args.assignment or None
    if args.check:
        problems = release.stale(names)
        for p in problems:
            print(p)
        print("lessons/ is up to date" if not problems else "run `python -m autograder release` to regenerate")
        return 1 if problems else 0
    release.generate(names, db_url=_db())
    print(f"generated {', '.join(names) if names else 'all lessons'} into lessons/")
    return 0


def _import(args: argparse.Namespace) -> int:
    from .submissions import import_submissions

    report = import_submissions(args.source, force=args.force)
    for student, assignment in report.imported:
        print(f"imported {student}/{assignment}")
    for line in report.notes:
        print(f"note: {line}")
    for line in report.problems:
        print(f"problem: {line}", file=sys.stderr)
    print(f"{len(report.imported)} submissions imported, {len(report.problems)} problems")
    return 0


def _autograde(args: argparse.Namespace) -> int:
    from .parallel import autograde

    config: dict = {}
    if args.timeout:
        config.setdefault("GuardedExecute", {})["timeout"] = args.timeout
    if args.memory_mb is not None:
        config.setdefault("SandboxedKernelManager", {})["memory_limit_mb"] = args.memory_mb
    summary = autograde(args.assignment or None, students=args.student or None, jobs=args.jobs, force=args.force,
                        db_url=_db(), progress=not args.quiet, config=config)
    print(summary)
    return 0


def _feedback(args: argparse.Namespace) -> int:
    from . import feedback
    from .paths import assignments

    files = feedback.generate(args.assignment or assignments(), _db(), jobs=args.jobs or os.cpu_count() or 1,
                              student=args.student)
    print(f"{len(files)} feedback files in {Path(os.environ.get('WORKBOOK_GRADING_DIR', 'grading')) / 'feedback'}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from .export import export
    from .paths import grading_dir

    for path in export(_db(), Path(args.out) if args.out else grading_dir() / "export"):
        print(f"wrote {path}")
    return 0


def _report(args: argparse.Namespace) -> int:
    from .paths import grading_dir
    from .report import summarize, write

    path = write(_db(), Path(args.out) if args.out else grading_dir() / "report")
    data = summarize(_db())
    print(f"wrote {path}")
    for assignment, test, d in data["failed"][:5]:
        top = d["messages"].most_common(1)[0][0] if d["messages"] else ""
        print(f"  {assignment}/{test}: lost points in {d['lost']} of {d['graded']} — {top}")
    if data["review"]:
        print(f"  {len(data['review'])} integrity flags to review (see the report)")
    return 0


def _sync_setup(args: argparse.Namespace) -> int:
    from .sync_setup import sync_setup

    changed = sync_setup(args.assignment or None)
    print(f"setup cell rewritten in {', '.join(changed) if changed else 'no notebook (all current)'}; "
          "lessons/ regenerated")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--grading-dir", help="grading state folder (default: grading/ or $WORKBOOK_GRADING_DIR)")
    common.add_argument("--db", help="gradebook database URL (default: SQLite in the grading folder, or "
                                     "$WORKBOOK_DB_URL), e.g. postgresql+psycopg://user:pw@host/db")
    steps = parser.add_subparsers(dest="step", required=True, metavar="STEP")

    def step(name: str, help: str, description: str | None = None) -> argparse.ArgumentParser:
        return steps.add_parser(name, help=help, description=description or help, parents=[common],
                                formatter_class=argparse.RawDescriptionHelpFormatter)

    p = step("release", "generate the student lessons in lessons/ from solutions/",
             "Generate lessons/ from solutions/ with nbgrader (and record the assignments in the gradebook). "
             "With --check, change nothing and fail if lessons/ is stale.")
    p.add_argument("assignment", nargs="*", help="assignment names (default: all)")
    p.add_argument("--check", action="store_true", help="fail if lessons/ differs from what nbgrader would generate")
    p.set_defaults(run=_release)

    p = step("import", "copy submissions (folder or zip) into the grading folder", IMPORT_HELP)
    p.add_argument("source", help="a folder or a .zip of submissions")
    p.add_argument("--force", action="store_true", help="replace submissions even when unchanged")
    p.set_defaults(run=_import)

    p = step("autograde", "grade the imported submissions in parallel (real nbgrader, sandboxed kernels)",
             "Autograde every imported submission of the given assignments (default: all) with N worker processes, "
             "each running nbgrader's autograde against a private gradebook; results are merged into the gradebook "
             "one at a time. Unchanged, already graded submissions are skipped (use --force to regrade). A "
             "progress bar with ETA goes to stderr. Broken notebooks, infinite loops, dead kernels, memory hogs "
             "and tampering are contained per submission: the batch always finishes.")
    p.add_argument("assignment", nargs="*", help="assignment names (default: all)")
    p.add_argument("--jobs", "-j", type=int, default=None, help="parallel workers (default: all cores)")
    p.add_argument("--student", action="append", help="grade only this student (repeatable)")
    p.add_argument("--force", action="store_true", help="regrade submissions already graded")
    p.add_argument("--timeout", type=int, default=None, help="seconds per cell (default: nbgrader_config.py, 60)")
    p.add_argument("--memory-mb", type=int, default=None,
                   help="memory limit per kernel in MiB (default 2048, or $WORKBOOK_KERNEL_MEMORY_MB; 0: none)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=_autograde)

    p = step("feedback", "write per-student feedback HTML (nbgrader generate_feedback)",
             "Write <grading>/feedback/<student>/<assignment>/<assignment>.html for every autograded submission: "
             "each test's score and message, and what the grader repaired or flagged.")
    p.add_argument("assignment", nargs="*", help="assignment names (default: all)")
    p.add_argument("--student", help="only this student")
    p.add_argument("--jobs", "-j", type=int, default=None, help="assignments processed at once (default: all cores)")
    p.set_defaults(run=_feedback)

    p = step("export", "write the grades to CSV",
             "Write grades.csv (one row per student, a column per lesson, total), submissions.csv (score, status, "
             "integrity flags or error per submission) and tests.csv (score and failure message per test).")
    p.add_argument("--out", help="output folder (default: <grading>/export)")
    p.set_defaults(run=_export)

    p = step("report", "write the class report (HTML)",
             "Write report.html: the score distribution per lesson, the tests most often failed with their most "
             "common failure messages, integrity flags to review (tampering, use of the reference code), "
             "submissions that could not be graded, and the repairs made before grading.")
    p.add_argument("--out", help="output folder (default: <grading>/report)")
    p.set_defaults(run=_report)

    p = step("sync-setup", "rewrite every solution's setup cell from course/_config.py, then regenerate lessons/")
    p.add_argument("assignment", nargs="*", help="assignment names (default: all)")
    p.set_defaults(run=_sync_setup)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _setup_env(args)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("interrupted: graded submissions are saved; run the same command again to finish", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
