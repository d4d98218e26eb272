"""``python -m course lab``: open JupyterLab on the lessons.

Options: ``--no-browser`` (or ``WORKBOOK_NO_BROWSER=1``) to only start the server,
``--port N`` (``WORKBOOK_PORT``), ``--ip ADDRESS`` (``WORKBOOK_IP``), ``--dir FOLDER`` to serve
another folder (a copy of the lessons, say), ``--instructor`` to serve the whole repository with
nbgrader's formgrader set up for this course; anything after ``--`` goes to ``jupyter lab``,
e.g. ``python -m course lab -- --IdentityProvider.token=secret``.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LESSONS = REPO / "lessons"
NBGRADER_CONFIG = REPO / "autograder" / "nbgrader_config.py"


def _lessons_dir() -> Path:
    for candidate in (LESSONS, Path.cwd() / "lessons"):
        if candidate.is_dir():
            return candidate
    raise SystemExit("cannot find the lessons/ folder: run this from a clone of the workbook repository "
                     "(git clone ... && cd workbook && python3 -m pip install -e \".[all]\")")


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def served_folder(args: argparse.Namespace) -> Path:
    """The folder JupyterLab will serve: ``--dir`` if given, the repository for ``--instructor``, else lessons/."""
    if args.instructor and not args.dir:
        return REPO
    folder = Path(args.dir).expanduser().resolve() if args.dir else _lessons_dir()
    if not folder.is_dir():
        raise SystemExit(f"--dir {args.dir}: no such folder")
    return folder


def lab_command(args: argparse.Namespace) -> list[str]:
    """The ``jupyter lab`` command line for parsed ``lab`` arguments (run with this interpreter)."""
    folder = served_folder(args)
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder}", f"--port={args.port}",
               f"--ip={args.ip}"]
    if args.no_browser:
        command.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # containers and CI machines often run as root; Jupyter refuses otherwise
    extra = list(args.extra)
    if extra[:1] == ["--"]:
        extra = extra[1:]
    return command + extra


def _enter_course_directory() -> None:
    """Make nbgrader's server extensions find the course: they read nbgrader_config.py from the working folder.

    nbgrader also runs ``alembic`` (from this interpreter's bin/) when it opens the gradebook.
    """
    if importlib.util.find_spec("nbgrader") is None:
        raise SystemExit("nbgrader is not installed in this Python: run `python3 -m pip install -e \".[all]\"`")
    if not NBGRADER_CONFIG.exists():
        raise SystemExit(f"--instructor needs {NBGRADER_CONFIG}: run it from a clone of the workbook repository")
    os.chdir(NBGRADER_CONFIG.parent)
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m course", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    steps = parser.add_subparsers(dest="command", required=True)
    lab = steps.add_parser("lab", help="start JupyterLab on lessons/",
                           description="Start JupyterLab serving lessons/ (Ctrl+C stops it).")
    lab.add_argument("--no-browser", action="store_true", default=_flag("WORKBOOK_NO_BROWSER"),
                     help="start the server without opening a browser (also WORKBOOK_NO_BROWSER=1)")
    lab.add_argument("--port", type=int, default=int(os.environ.get("WORKBOOK_PORT", "8888")),
                     help="port to listen on (default 8888, or WORKBOOK_PORT; JupyterLab tries the next "
                          "ones if it is taken)")
    lab.add_argument("--ip", default=os.environ.get("WORKBOOK_IP", "localhost"),
                     help="address to listen on (default localhost, or WORKBOOK_IP)")
    lab.add_argument("--dir", help="serve this folder instead of lessons/ (e.g. your own copy of the lessons)")
    lab.add_argument("--instructor", action="store_true",
                     help="serve the whole repository with nbgrader's formgrader set up for this course "
                          "(Nbgrader menu > Formgrader); needs the grade extra")
    lab.add_argument("extra", nargs=argparse.REMAINDER, help="arguments passed on to jupyter lab (after --)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if importlib.util.find_spec("jupyterlab") is None:
        raise SystemExit("JupyterLab is not installed in this Python: run "
                         "`python3 -m pip install -e \".[all]\"` (or \".[lab]\") in the repository first")
    command = lab_command(args)
    if args.instructor:
        _enter_course_directory()
    print(f"Starting JupyterLab on {served_folder(args)} (stop it with Ctrl+C)", flush=True)
    os.execv(sys.executable, command)
    return 0  # not reached: execv replaces this process


if __name__ == "__main__":
    sys.exit(main())
