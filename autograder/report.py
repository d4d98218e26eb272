"""The class report: score distributions, the tests most often failed and why, and what needs review."""
from __future__ import annotations

import base64
import html
import re
from collections import Counter, defaultdict
from pathlib import Path

from . import gradebook as gbk

FLAG_KINDS = {"tamper": "tampering (tests after it scored 0)", "reference": "uses the course's reference code"}


def _message_key(message: str) -> str:
    """The first line of a failure message with its numbers blanked, so that alike failures group."""
    from .worker import headline

    first = headline(message)
    return re.sub(r"-?\d+(\.\d+)?(e-?\d+)?", "#", first)[:160]


def summarize(db_url: str) -> dict:
    """Everything the report shows, as data (also used by tests)."""
    rows = gbk.scores(db_url)
    info = {(r["student"], r["assignment"]): r for r in gbk.results(db_url)}
    totals: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    tests: dict[tuple[str, str], dict] = {}
    for r in rows:
        key = (r["student"], r["assignment"])
        totals[key][0] += r["score"] or 0.0
        totals[key][1] += r["max_score"]
        t = tests.setdefault((r["assignment"], r["test"]), {"graded": 0, "lost": 0, "messages": Counter()})
        t["graded"] += 1
        if (r["score"] or 0.0) < r["max_score"]:
            t["lost"] += 1
            message = info.get(key, {"details": {}})["details"].get("tests", {}).get(r["test"], "")
            t["messages"][_message_key(message) or "(no message)"] += 1
    by_assignment: dict[str, list[float]] = defaultdict(list)
    for (student, assignment), (score, maximum) in totals.items():
        by_assignment[assignment].append(100.0 * score / maximum if maximum else 0.0)
    failed = sorted(((a, t, d) for (a, t), d in tests.items() if d["lost"]),
                    key=lambda x: (-x[2]["lost"] / x[2]["graded"], x[0], x[1]))
    review, errors, repairs = [], [], []
    for (student, assignment), r in sorted(info.items()):
        details = r["details"]
        if r["status"] == "error":
            errors.append((student, assignment, details.get("error", "")))
        for n in details.get("notes", []):
            if n.get("kind") in FLAG_KINDS:
                review.append((student, assignment, FLAG_KINDS[n["kind"]], n.get("message", "")))
            elif n.get("kind") != "error":
                repairs.append((student, assignment, n.get("kind", ""), n.get("message", "")))
    return {"percent": dict(by_assignment), "failed": failed, "review": review, "errors": errors,
            "repairs": repairs, "submissions": len(totals)}


def _histograms(percent: dict[str, list[float]]) -> str:
    from course.widgets.base import figure_png, new_figure

    names = sorted(percent)
    if not names:
        return ""
    fig = new_figure(6.4, 1.9 * len(names))
    for i, name in enumerate(names):
        ax = fig.add_subplot(len(names), 1, i + 1)
        ax.hist(percent[name], bins=[0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.0001], color="#4c72b0",
                edgecolor="white")
        ax.set_title(f"{name}: {len(percent[name])} submissions, median {sorted(percent[name])[len(percent[name]) // 2]:.0f}%",
                     fontsize=9)
        ax.set_xlim(0, 100)
        ax.set_ylabel("students")
    fig.axes[-1].set_xlabel("score (% of the points)")
    return base64.b64encode(figure_png(fig)).decode()


def write(db_url: str, out: Path, top: int = 15) -> Path:
    """Write ``report.html`` (with the score histograms embedded) into ``out``."""
    data = summarize(db_url)
    out.mkdir(parents=True, exist_ok=True)
    esc = html.escape
    parts = ["<!doctype html><meta charset='utf-8'><title>Class report</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}td,th{padding:.2em .6em;"
             "text-align:left;vertical-align:top}tr:nth-child(even){background:#f4f4f4}code{font-size:90%}</style>",
             f"<h1>Class report</h1><p>{data['submissions']} graded submissions.</p>", "<h2>Score distribution</h2>"]
    png = _histograms(data["percent"])
    parts.append(f"<img alt='score histograms' src='data:image/png;base64,{png}'>" if png else "<p>No grades yet.</p>")
    parts.append("<h2>Tests most often failed</h2><table><tr><th>test</th><th>lost points</th>"
                 "<th>most common failures</th></tr>")
    for assignment, test, d in data["failed"][:top]:
        common = "<br>".join(f"{n}× <code>{esc(m)}</code>" for m, n in d["messages"].most_common(3))
        parts.append(f"<tr><td>{esc(assignment)}<br><b>{esc(test)}</b></td><td>{d['lost']} of {d['graded']}</td>"
                     f"<td>{common}</td></tr>")
    parts.append("</table>")
    for title, rows, cols in (("Integrity review", data["review"], ("student", "assignment", "flag", "where")),
                              ("Submissions that could not be graded", data["errors"],
                               ("student", "assignment", "error")),
                              ("Repairs made before grading", data["repairs"], ("student", "assignment", "what", "detail"))):
        parts.append(f"<h2>{title}</h2>")
        if not rows:
            parts.append("<p>None.</p>")
            continue
        parts.append("<table><tr>" + "".join(f"<th>{c}</th>" for c in cols) + "</tr>")
        parts += ["<tr>" + "".join(f"<td>{esc(str(v))}</td>" for v in row) + "</tr>" for row in rows]
        parts.append("</table>")
    path = out / "report.html"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
