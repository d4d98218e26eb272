"""Autograde many submissions in parallel with real nbgrader, safely for SQLite and PostgreSQL.

nbgrader grades one submission after another, and SQLite does not take concurrent
writers. Here each worker process runs nbgrader's ``Autograde`` converter on one
submission at a time against a private copy of the gradebook (:mod:`autograder.worker`);
this process merges each result into the real gradebook as it arrives, one writer at a
time, and moves the graded notebook into ``autograded/<student>/<assignment>``.

Reruns are idempotent: a submission is graded again only if it changed, failed to finish,
or ``force`` is given, and its grades are replaced in one place (nbgrader keeps one
submission per student and assignment). Killing a run loses only the submissions in
flight. Several machines can share a PostgreSQL gradebook: each claims a submission before
grading it (see :func:`autograder.gradebook.claim`).
"""
from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import gradebook as gbk
from . import release
from .paths import assignments as all_assignments
from .paths import db_url as default_db_url
from .paths import grading_dir
from .submissions import find_submitted, submitted_files
from .worker import error_result, run_job, warm_up


# Spawned, not forked: a forked worker inherits this process's state (locks, port cache) and was seen to
# stall a kernel start for a minute. Workers are started first thing, so their imports overlap our set-up.
_START_METHOD = "spawn"


@dataclass
class Summary:
    graded: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    errors: dict[tuple[str, str], str] = field(default_factory=dict)
    seconds: float = 0.0

    def __str__(self) -> str:
        lines = [f"graded {len(self.graded)}, unchanged {len(self.skipped)}, with errors {len(self.errors)} "
                 f"in {self.seconds:.1f} s"]
        lines += [f"  {s}/{a}: {msg}" for (s, a), msg in sorted(self.errors.items())]
        return "\n".join(lines)


class Progress:
    """A one-line progress bar with ETA on stderr (a line per item when not on a terminal)."""

    def __init__(self, total: int, enabled: bool = True, stream=None) -> None:
        self.total, self.done, self.failed = total, 0, 0
        self.start = time.monotonic()
        self.enabled = enabled and total > 0
        self.stream = stream or sys.stderr
        self.tty = getattr(self.stream, "isatty", lambda: False)()

    def eta(self) -> str:
        if not self.done:
            return "--:--"
        left = (time.monotonic() - self.start) / self.done * (self.total - self.done)
        return f"{int(left // 60):d}:{int(left % 60):02d}"

    def update(self, label: str, failed: bool = False) -> None:
        self.done += 1
        self.failed += failed
        if not self.enabled:
            return
        width = 30
        filled = int(width * self.done / self.total)
        bar = "#" * filled + "." * (width - filled)
        text = (f"[{bar}] {self.done}/{self.total} graded"
                f"{f', {self.failed} with errors' if self.failed else ''}, ETA {self.eta()}  {label}")
        if self.tty:
            self.stream.write("\r" + text[:120].ljust(120))
            if self.done == self.total:
                self.stream.write("\n")
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


def ensure_assignments(db_url: str, names: list[str]) -> None:
    """Record assignments missing from the gradebook (nbgrader generate_assignment, lessons/ untouched)."""
    missing = [n for n in names if n not in gbk.known_assignments(db_url)]
    if missing:
        with tempfile.TemporaryDirectory() as tmp:
            release.generate(missing, release_dir=Path(tmp) / "release", db_url=db_url)


def _place(result: dict[str, Any], grading: Path) -> None:
    """Move the graded notebook folder into autograded/<student>/<assignment>, replacing the old one."""
    if not result.get("autograded") or not Path(result["autograded"]).is_dir():
        return
    src = Path(result["autograded"])
    dest = grading / "autograded" / result["student"] / result["assignment"]
    dest.parent.mkdir(parents=True, exist_ok=True)
    old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
    if dest.exists():
        os.replace(dest, old)
    os.replace(src, dest)
    shutil.rmtree(old, ignore_errors=True)


def autograde(names: list[str] | None = None, students: list[str] | None = None, jobs: int | None = None,
              force: bool = False, db_url: str | None = None, grading: Path | None = None,
              progress: bool = True, config: dict | None = None, stale_after: float = 6 * 3600,
              on_result: Callable[[dict], None] | None = None) -> Summary:
    """Autograde the imported submissions of ``names`` (default: all assignments) with ``jobs`` workers.

    ``config`` holds extra nbgrader configuration for the workers, e.g.
    ``{"GuardedExecute": {"timeout": 10}, "SandboxedKernelManager": {"memory_limit_mb": 1024}}``.
    """
    started = time.monotonic()
    grading = (grading or grading_dir()).resolve()
    db_url = db_url or default_db_url()
    saved = {k: os.environ.get(k) for k in ("WORKBOOK_GRADING_DIR", "WORKBOOK_DB_URL")}
    # Workers and their nbgrader configuration read these (secret, hidden paths, database).
    os.environ["WORKBOOK_GRADING_DIR"], os.environ["WORKBOOK_DB_URL"] = str(grading), db_url
    try:
        return _autograde(names, students, jobs, force, db_url, grading, progress, config, stale_after, on_result,
                          started)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _autograde(names, students, jobs, force, db_url, grading, progress, config, stale_after, on_result,
               started) -> Summary:
    names = names or all_assignments()
    jobs = max(1, jobs or os.cpu_count() or 1)
    summary = Summary()
    found = find_submitted(grading, names, students)
    ensure_assignments(db_url, sorted({a for _, a, _, _ in found}))
    engine = gbk.engine_for(db_url)

    todo = []
    for student, assignment, folder, digest in found:
        if gbk.claim(engine, student, assignment, digest, force, stale_after):
            todo.append((student, assignment, folder, digest))
        else:
            summary.skipped.append((student, assignment))
    bar = Progress(len(todo), progress)
    if not todo:
        summary.seconds = time.monotonic() - started
        return summary
    workers = min(jobs, len(todo))
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(_START_METHOD))
    for _ in range(workers):
        pool.submit(warm_up)  # the workers import nbgrader while this process prepares the jobs
    run_dir = Path(tempfile.mkdtemp(prefix="run-", dir=_tmp_root(grading)))
    claimed = {(student, assignment) for student, assignment, _, _ in todo}
    futures: dict[Future, dict] = {}
    master = None
    previous = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, _raise_interrupt)

    def finish(result: dict[str, Any]) -> None:
        key = (result["student"], result["assignment"])
        if result.get("error"):
            summary.errors[key] = result["error"]
        _place(result, grading)
        gbk.merge(db_url, result, engine=engine, gb=master)
        summary.graded.append(key)
        claimed.discard(key)
        if on_result:
            on_result(result)
        bar.update(f"{key[0]}/{key[1]}", failed=bool(result.get("error")))

    try:
        template = run_dir / "template.db"
        gbk.make_template(db_url, sorted({a for _, a, _, _ in todo}), template)
        notebooks = {a: gbk.notebooks_of(db_url, a) for a in {a for _, a, _, _ in todo}}
        master = gbk.Gradebook(db_url, gbk.COURSE_ID)
        for job in _jobs(todo, run_dir, template, notebooks, config, gbk.results(db_url, engine=engine)):
            futures[pool.submit(run_job, job)] = job
        while futures:
            done, _ = wait(futures, return_when=FIRST_COMPLETED)
            for future in done:
                job = futures.pop(future)
                try:
                    result = future.result()
                except Exception as exc:  # the worker itself failed: report it for this student only
                    result = error_result(job["student"], job["assignment"], job["digest"],
                                           f"the grader failed on this submission ({type(exc).__name__}: {exc})")
                finish(result)
    except KeyboardInterrupt:
        for future in futures:
            future.cancel()
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()  # their kernels exit with them (ipykernel watches its parent)
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        for student, assignment in claimed:
            gbk.release_claim(engine, student, assignment)
        signal.signal(signal.SIGTERM, previous)
        shutil.rmtree(run_dir, ignore_errors=True)
        if master is not None:
            master.close()
        engine.dispose()
    summary.seconds = time.monotonic() - started
    return summary


def _jobs(todo, run_dir: Path, template: Path, notebooks: dict, config: dict | None, previous: list[dict]
          ) -> list[dict]:
    """The worker jobs, longest first (by earlier gradings of the assignment, else later lessons first),
    so that no worker is left alone with a long notebook at the end."""
    seconds: dict[str, list[float]] = {}
    for r in previous:
        if r["details"].get("seconds"):
            seconds.setdefault(r["assignment"], []).append(float(r["details"]["seconds"]))
    mean = {a: sum(v) / len(v) for a, v in seconds.items()}
    order = sorted(todo, key=lambda t: (mean.get(t[1], 0.0), t[1]), reverse=True)
    return [{"student": student, "assignment": assignment, "digest": digest, "files": submitted_files(folder),
             "workdir": str(run_dir / f"job{i}"), "template": str(template), "config": config or {},
             "notebooks": notebooks[assignment]} for i, (student, assignment, folder, digest) in enumerate(order)]


def _raise_interrupt(signum, frame):  # SIGTERM: stop like Ctrl-C, releasing claims
    raise KeyboardInterrupt


def _tmp_root(grading: Path) -> Path:
    root = grading / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    return root
