"""Grades to CSV: one row per student with a column per lesson, one row per submission, one row per test."""
from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from . import gradebook as gbk
from .worker import headline


def _status(result: dict | None) -> tuple[str, str]:
    if result is None:
        return "not graded", ""
    details = result["details"]
    if result["status"] == "error":
        return "error", details.get("error") or ""
    flags = sorted({n["kind"] for n in details.get("notes", []) if n.get("kind") in ("tamper", "reference")})
    return result["status"], ", ".join(flags)


def export(db_url: str, out: Path) -> list[Path]:
    """Write grades.csv (student x lesson), submissions.csv and tests.csv into ``out``; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    rows = gbk.scores(db_url)
    info = {(r["student"], r["assignment"]): r for r in gbk.results(db_url)}
    with gbk.gradebook(db_url) as gb:
        names = [a.name for a in gb.assignments]
        maxima = {a.name: a.max_score for a in gb.assignments}
        students = sorted(s.id for s in gb.students)
    totals: dict[tuple[str, str], float] = defaultdict(float)
    for r in rows:
        totals[(r["student"], r["assignment"])] += r["score"] or 0.0

    grades = out / "grades.csv"
    with grades.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["student", *names, "total", "max_total"])
        for s in students:
            per = [totals.get((s, a), 0.0) for a in names]
            w.writerow([s, *[f"{v:g}" for v in per], f"{sum(per):g}", f"{sum(maxima.values()):g}"])
    subs = out / "submissions.csv"
    with subs.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["student", "assignment", "score", "max_score", "status", "flags_or_error"])
        for (s, a) in sorted({(r["student"], r["assignment"]) for r in rows}):
            status, extra = _status(info.get((s, a)))
            w.writerow([s, a, f"{totals[(s, a)]:g}", f"{maxima[a]:g}", status, extra])
    tests = out / "tests.csv"
    with tests.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["student", "assignment", "notebook", "test", "score", "max_score", "message"])
        for r in sorted(rows, key=lambda r: (r["student"], r["assignment"], r["test"])):
            message = info.get((r["student"], r["assignment"]), {"details": {}})["details"].get("tests", {}).get(
                r["test"], "")
            w.writerow([r["student"], r["assignment"], r["notebook"], r["test"], f"{(r['score'] or 0):g}",
                        f"{r['max_score']:g}", headline(message or "")])
    return [grades, subs, tests]
