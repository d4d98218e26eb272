"""Put a submission's graded cells back in shape before nbgrader checks them."""
from __future__ import annotations

import ast
import copy
import difflib
import uuid
from pathlib import Path

from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Float, Unicode

from .. import notebooks as nbt
from ..paths import LESSONS, SOLUTIONS
from .notes import note


def defined_names(source: str) -> set[str]:
    """Top-level functions, classes and variables a cell defines."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                for n in ast.walk(t):
                    if isinstance(n, ast.Name):
                        names.add(n.id)
    return names


class RestoreCells(NbGraderPreprocessor):
    """Match every cell of a submission to the lesson's graded cells, and rebuild their order.

    Editors strip nbgrader metadata (some keep only cell ids), students duplicate, move and
    delete cells. nbgrader then skips tests or stops with a metadata error. This runs first:

    * a cell is matched to a graded cell of the released lesson by its nbgrader ``grade_id``,
      else by its cell id, else (solution cells) by the names it defines (``def sigmoid``),
      else (locked cells) by the similarity of its code; its metadata is restored;
    * of duplicated cells, the last copy that is not the untouched stub is kept (the one a
      top-to-bottom run would use); other copies of locked cells are dropped;
    * graded and locked cells are put back in the lesson's order; the student's own cells
      travel with the graded cell they followed;
    * deleted cells come back from the lesson (a deleted solution as its stub);
    * stray nbgrader metadata (copied cells) is removed, and cell ids are made unique.

    Everything changed is recorded with :func:`note` for the feedback and the report.
    """

    release_directory = Unicode(str(LESSONS), help="Released lessons: the skeleton to match against").tag(config=True)
    source_directory = Unicode(str(SOLUTIONS), help="Solution notebooks: the names each solution defines").tag(
        config=True)
    similarity = Float(0.8, help="How alike a cell must be to a locked cell to be taken for it").tag(config=True)

    def _templates(self, resources) -> tuple[NotebookNode | None, NotebookNode | None]:
        info = resources.get("nbgrader", {})
        rel = Path(info.get("assignment", "")) / f"{info.get('notebook', '')}.ipynb"
        release = Path(self.release_directory) / rel
        source = Path(self.source_directory) / rel
        return (nbt.read(release) if release.is_file() else None, nbt.read(source) if source.is_file() else None)

    def preprocess(self, nb: NotebookNode, resources):
        release, source = self._templates(resources)
        if release is None:
            self.log.warning("no released lesson to restore cells from; leaving the notebook as it is")
            return nb, resources
        skeleton = [c for c in release.cells if nbt.grade_id(c)]
        by_gid = {nbt.grade_id(c): c for c in skeleton}
        by_cell_id = {c.get("id"): nbt.grade_id(c) for c in skeleton if c.get("id")}
        names: dict[str, str] = {}
        if source is not None:
            for cell in source.cells:
                if nbt.meta(cell).get("solution") and cell.cell_type == "code":
                    for name in defined_names(cell.source):
                        names.setdefault(name, nbt.grade_id(cell))
        stubs = {gid: nbt.normalized(c.source) for gid, c in by_gid.items()}
        originals = {nbt.grade_id(c): nbt.normalized(c.source) for c in (source.cells if source else [])
                     if nbt.grade_id(c)}

        def match(cell: NotebookNode) -> str | None:
            gid = nbt.grade_id(cell)
            if gid in by_gid and by_gid[gid].cell_type == cell.cell_type:
                return gid
            if cell.get("id") in by_cell_id and by_gid[by_cell_id[cell["id"]]].cell_type == cell.cell_type:
                return by_cell_id[cell["id"]]
            if cell.cell_type != "code":
                return None
            for name in defined_names(cell.source):
                if name in names:
                    return names[name]
            text = nbt.normalized(cell.source)
            best, score = None, self.similarity
            for gid, template in by_gid.items():
                if template.cell_type == "code" and nbt.meta(template).get("locked"):
                    ratio = difflib.SequenceMatcher(None, text, stubs[gid]).ratio() if text else 0.0
                    if ratio >= score:
                        best, score = gid, ratio
            return best

        matched = [(cell, match(cell)) for cell in nb.cells]
        # Of several cells for one graded cell keep the last real one (a top-to-bottom run uses it).
        chosen: dict[str, int] = {}
        for i, (cell, gid) in enumerate(matched):
            if gid is None:
                continue
            untouched = nbt.normalized(cell.source) == stubs[gid]
            if gid not in chosen or not untouched or \
                    nbt.normalized(matched[chosen[gid]][0].source) == stubs[gid]:
                if gid in chosen:
                    note(nb, "duplicate", f"{gid} appears more than once; the copy at cell {i + 1} is graded", gid)
                chosen[gid] = i
            else:
                note(nb, "duplicate", f"{gid} appears more than once; the untouched copy at cell {i + 1} is ignored",
                     gid)

        # Students' own cells travel with the graded cell they follow.
        groups: dict[str | None, list[NotebookNode]] = {None: []}
        current: str | None = None
        for i, (cell, gid) in enumerate(matched):
            if gid is not None and chosen.get(gid) == i:
                current = gid
                continue
            if gid is not None:  # a surplus copy
                template = by_gid[gid]
                if nbt.meta(template).get("locked") or nbt.normalized(cell.source) == stubs[gid]:
                    continue  # the course's code or an empty stub: nothing of the student's is lost
                cell = copy.deepcopy(cell)
            cell.get("metadata", {}).pop("nbgrader", None)
            groups.setdefault(current, []).append(cell)

        order = [nbt.grade_id(c) for c in skeleton]
        # No student code runs before the setup cell: it imports the course, whose guard records
        # the pristine checking functions.
        early = [c for c in groups[None] if c.cell_type == "code"]
        cells: list[NotebookNode] = [c for c in groups[None] if c.cell_type != "code"]
        if early and order and order[0] == "setup":
            groups["setup"] = early + groups.get("setup", [])
            note(nb, "moved", "code placed above the setup cell was moved below it")
        else:
            cells += early
        if [gid for gid, _ in sorted(((g, i) for g, i in chosen.items()), key=lambda t: t[1])] != \
                [g for g in order if g in chosen]:
            note(nb, "reordered", "graded cells were out of order and were put back in the lesson's order")
        for gid in order:
            template = by_gid[gid]
            if gid in chosen:
                cell = matched[chosen[gid]][0]
                meta = nbt.meta(cell)
                if meta != nbt.meta(template):
                    if not meta:
                        how = "its cell id" if cell.get("id") == template.get("id") else "its content"
                        note(nb, "metadata", f"{gid} had lost its nbgrader metadata; matched by {how}", gid)
                    cell.metadata["nbgrader"] = copy.deepcopy(nbt.meta(template))
                if nbt.meta(template).get("locked") and nbt.normalized(cell.source) not in (
                        stubs[gid], originals.get(gid)):
                    kind = "edited" if gid.startswith("test_") else "restored"
                    note(nb, kind, f"{gid} is a locked cell and was edited; it was restored from the lesson", gid)
                    cell.source = template.source
            else:
                cell = copy.deepcopy(template)
                if nbt.meta(template).get("solution"):
                    note(nb, "deleted", f"the solution cell {gid} is missing; graded as not written", gid)
                else:
                    note(nb, "deleted", f"{gid} was deleted; it was restored from the lesson", gid)
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
            cells.append(cell)
            cells.extend(groups.get(gid, []))

        seen: set[str] = set()
        for cell in cells:
            if not cell.get("id") or cell["id"] in seen:
                cell["id"] = uuid.uuid4().hex[:8]
            seen.add(cell["id"])
        nb.cells = cells
        return nb, resources
