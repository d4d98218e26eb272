"""Per-student feedback HTML with nbgrader's generate_feedback, one assignment per process."""
from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .paths import AUTOGRADER, grading_dir, nbgrader_env


def generate(names: list[str], db_url: str, grading: Path | None = None, jobs: int = 2,
             student: str | None = None) -> list[Path]:
    """Write ``feedback/<student>/<assignment>/<notebook>.html`` for every autograded submission of ``names``."""
    grading = grading or grading_dir()
    env = nbgrader_env(WORKBOOK_GRADING_DIR=str(grading), WORKBOOK_DB_URL=db_url)

    def one(name: str) -> str:
        cmd = [sys.executable, "-m", "nbgrader", "generate_feedback", name, "--force", "--log-level=WARN"]
        if student:
            cmd.append(f"--student={student}")
        done = subprocess.run(cmd, cwd=AUTOGRADER, env=env, capture_output=True, text=True)
        return done.stderr if done.returncode else ""

    names = [n for n in names if (grading / "autograded").is_dir()]
    with ThreadPoolExecutor(max(1, jobs)) as pool:
        problems = [p for p in pool.map(one, names) if p]
    if problems:
        print("\n".join(p[-2000:] for p in problems), file=sys.stderr)
    return sorted((grading / "feedback").glob("*/*/*.html"))
