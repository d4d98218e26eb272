"""``python -m course lab``: open JupyterLab on the lessons.

Options: ``--no-browser`` (or ``WORKBOOK_NO_BROWSER=1``) to only start the server,
``--port N``, ``--ip ADDRESS``; anything after ``--`` goes to ``jupyter lab``.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

LESSONS = Path(__file__).resolve().parents[1] / "lessons"


def _lessons_dir() -> Path:
    for candidate in (LESSONS, Path.cwd() / "lessons"):
        if candidate.is_dir():
            return candidate
    raise SystemExit("cannot find the lessons/ folder: run this from a clone of the workbook repository")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    steps = parser.add_subparsers(dest="command", required=True)
    lab = steps.add_parser("lab", help="start JupyterLab on lessons/")
    lab.add_argument("--no-browser", action="store_true", default=os.environ.get("WORKBOOK_NO_BROWSER") == "1",
                     help="start the server without opening a browser (also WORKBOOK_NO_BROWSER=1)")
    lab.add_argument("--port", type=int, default=int(os.environ.get("WORKBOOK_PORT", "8888")))
    lab.add_argument("--ip", default=os.environ.get("WORKBOOK_IP", "localhost"))
    lab.add_argument("extra", nargs=argparse.REMAINDER, help="arguments passed on to jupyter lab (after --)")
    args = parser.parse_args(argv)
    lessons = _lessons_dir()
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={lessons}", f"--port={args.port}",
               f"--ip={args.ip}"]
    if args.no_browser:
        command.append("--no-browser")
    command += [a for a in args.extra if a != "--"]
    print(f"Starting JupyterLab on {lessons} (stop it with Ctrl+C)", flush=True)
    os.execv(sys.executable, command)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
