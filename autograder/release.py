"""Generate the student lessons in lessons/ from solutions/ with nbgrader, or check that they are current."""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from .paths import AUTOGRADER, LESSONS, assignments, nbgrader_env


def generate(names: list[str] | None = None, release_dir: Path | None = None, db_url: str | None = None) -> None:
    """Run ``nbgrader generate_assignment`` for each assignment (all by default).

    Writes into lessons/ and records the assignments (with their hidden tests) in the
    gradebook, unless ``release_dir``/``db_url`` point elsewhere.
    """
    for name in names or assignments():
        cmd = [sys.executable, "-m", "nbgrader", "generate_assignment", name, "--force", "--log-level=WARN"]
        if release_dir is not None:
            cmd.append(f"--CourseDirectory.release_directory={release_dir}")
        if db_url is not None:
            cmd.append(f"--CourseDirectory.db_url={db_url}")
        done = subprocess.run(cmd, cwd=AUTOGRADER, env=nbgrader_env(), capture_output=True, text=True)
        if done.returncode != 0 or "ERROR" in done.stderr:
            raise RuntimeError(f"nbgrader generate_assignment {name} failed:\n{done.stderr[-3000:]}")


def _canonical(path: Path) -> str:
    return json.dumps(json.loads(path.read_text(encoding="utf-8")), sort_keys=True, indent=1)


def stale(names: list[str] | None = None) -> list[str]:
    """Regenerate into a temporary folder and list every lesson file that differs from lessons/."""
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "release"
        generate(names, release_dir=out, db_url=f"sqlite:///{Path(tmp) / 'gradebook.db'}")
        for fresh in sorted(out.rglob("*")):
            if not fresh.is_file():
                continue
            rel = fresh.relative_to(out)
            committed = LESSONS / rel
            if not committed.exists():
                problems.append(f"lessons/{rel} is missing")
            elif fresh.suffix == ".ipynb" and _canonical(fresh) != _canonical(committed):
                problems.append(f"lessons/{rel} differs from what nbgrader generates from solutions/")
            elif fresh.suffix != ".ipynb" and fresh.read_bytes() != committed.read_bytes():
                problems.append(f"lessons/{rel} differs from solutions/{rel}")
        if names is None and LESSONS.exists():
            expected = {p.relative_to(out) for p in out.rglob("*") if p.is_file()}
            for extra in sorted(p for p in LESSONS.rglob("*") if p.is_file() and ".ipynb_checkpoints" not in p.parts):
                if extra.relative_to(LESSONS) not in expected:
                    problems.append(f"lessons/{extra.relative_to(LESSONS)} has no source in solutions/")
    return problems
