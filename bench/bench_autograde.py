"""Time the parallel autograder against plain sequential ``nbgrader autograde`` on the same 20 submissions.

    python bench/bench_autograde.py [--jobs 2] [--submissions 20]

Both runs grade the same imported submissions with the same course configuration and the
same grading secret (so the hidden tests draw the same random inputs), each into its own
fresh grading folder; assignments are recorded in both gradebooks before timing starts.
Prints both wall times, the speed-up ratio, and whether every score is identical.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from autograder import notebooks as nbt  # noqa: E402
from autograder.gradebook import scores  # noqa: E402
from autograder.parallel import ensure_assignments  # noqa: E402
from autograder.paths import AUTOGRADER, assignments, nbgrader_env  # noqa: E402
from autograder.submissions import import_submissions  # noqa: E402
from autograder_batch import correct, load, partial  # noqa: E402


def _children_cpu() -> float:
    """CPU seconds used so far by finished child processes (and theirs: kernels, workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def make_submissions(root: Path, count: int, lessons: list[str]) -> list[str]:
    """``count`` submissions, alternating complete and partial ones over the first lessons."""
    loaded = [load(name) for name in lessons]
    used = set()
    for i in range(count):
        lesson = loaded[(i // 2) % len(loaded)]
        nb, _ = (correct if i % 2 == 0 else partial)(lesson)
        nbt.write(nb, root / f"student{i:02d}" / lesson.name / f"{lesson.name}.ipynb")
        used.add(lesson.name)
    return sorted(used)


def prepare(source: Path, grading: Path, names: list[str]) -> str:
    import_submissions(source, grading)
    db_url = f"sqlite:///{grading / 'gradebook.db'}"
    ensure_assignments(db_url, names)
    return db_url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--submissions", type=int, default=20)
    parser.add_argument("--lessons", type=int, default=2, help="how many of the first lessons the submissions use")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-autograde-") as tmp:
        tmp = Path(tmp)
        names = make_submissions(tmp / "source", args.submissions, assignments()[: args.lessons])
        plain, ours = tmp / "plain", tmp / "ours"
        plain_db, ours_db = prepare(tmp / "source", plain, names), prepare(tmp / "source", ours, names)
        (plain / "secret").write_text("bench-secret")
        shutil.copyfile(plain / "secret", ours / "secret")

        env = nbgrader_env(WORKBOOK_GRADING_DIR=str(plain), WORKBOOK_DB_URL=plain_db)
        cpu0 = _children_cpu()
        start = time.perf_counter()
        for name in names:  # nbgrader grades one assignment (all its students) per command, one at a time
            subprocess.run([sys.executable, "-m", "nbgrader", "autograde", name, "--log-level=ERROR"],
                           cwd=AUTOGRADER, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        sequential = time.perf_counter() - start
        cpu1 = _children_cpu()

        env = nbgrader_env(WORKBOOK_GRADING_DIR=str(ours), WORKBOOK_DB_URL=ours_db)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "autograder", "autograde", *names, "--jobs", str(args.jobs), "--quiet"],
                       cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)
        parallel = time.perf_counter() - start
        cpu2 = _children_cpu()

        key = lambda rows: {(r["student"], r["assignment"], r["test"]): r["score"] for r in rows}  # noqa: E731
        a, b = key(scores(plain_db)), key(scores(ours_db))
        same = a == b and len(a) > 0
        print(f"submissions: {args.submissions} ({', '.join(names)}), cores: {os.cpu_count()}, "
              f"load average: {os.getloadavg()[0]:.2f}")
        print(f"nbgrader autograde, sequential: {sequential:7.1f} s  (CPU {cpu1 - cpu0:6.1f} s)")
        print(f"autograder --jobs {args.jobs}:         {parallel:7.1f} s  (CPU {cpu2 - cpu1:6.1f} s)")
        print(f"speed-up: {sequential / parallel:.2f}x; identical scores: {same} ({len(a)} test scores)")
        if not same:
            diff = {k: (a.get(k), b.get(k)) for k in set(a) | set(b) if a.get(k) != b.get(k)}
            print(f"differences: {diff}")
        return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
