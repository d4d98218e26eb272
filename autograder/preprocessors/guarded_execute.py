"""Execute a submission so that nothing in it can stop the notebook, or the batch, from being graded."""
from __future__ import annotations

import hashlib
import time
from typing import Any

from jupyter_core.utils import run_sync
from nbclient.client import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Integer, Unicode

from .. import notebooks as nbt
from ..kernel import SandboxedKernelManager
from ..secret import grading_secret, submission_seed
from ..shell_polling import SlicedPollingMixin
from .notes import error_output, note

TIMEOUT_ENAME = "CellTimeoutError"


class GuardedExecute(SlicedPollingMixin, Execute):
    """nbgrader's Execute, in a sandboxed kernel, surviving whatever a submission does.

    * Each cell has ``timeout`` seconds; a cell that runs longer is interrupted and gets a
      "timed out" error (its tests score 0); if the kernel does not come back, it is restarted.
    * A kernel that dies (``os._exit``, a crash) is restarted; the cell that killed it gets an
      error saying so, the cells before it are replayed quietly and grading goes on.
    * The whole notebook has ``notebook_timeout`` seconds; cells past it are not run.
    * A cell's output is capped at ``max_output_chars`` while it runs (no memory blow-up).
    * Kernels run in :class:`~autograder.kernel.SandboxedKernelManager` (memory limit, clean
      environment, unprivileged uid when grading as root) with a reproducible grading seed.
    * The shell channel is polled in short slices (:mod:`autograder.shell_polling`), so a lost
      wake-up cannot hold a finished cell until its timeout.
    """

    notebook_timeout = Integer(900, help="Seconds for the whole notebook; later cells are not run").tag(config=True)
    max_restarts = Integer(3, help="Kernel restarts allowed per notebook before the rest is skipped").tag(config=True)
    max_output_chars = Integer(200_000, help="Output kept per cell while it runs").tag(config=True)
    probe_timeout = Integer(10, help="Seconds an interrupted kernel has to answer before it is restarted").tag(
        config=True)
    secret_file = Unicode("", help="The grading secret (see autograder.secret); '' draws unseeded inputs").tag(
        config=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("kernel_manager_class", SandboxedKernelManager)
        super().__init__(*args, **kwargs)

    # -- kernel ---------------------------------------------------------------------------
    def _seed(self) -> str | None:
        if not self.secret_file:
            return None
        info = (self.resources or {}).get("nbgrader", {})
        code = hashlib.sha256("\x1e".join(c.source for c in self.nb.cells if c.cell_type == "code"
                                          and not (nbt.meta(c).get("locked"))).encode()).hexdigest()
        return submission_seed(grading_secret(self.secret_file), info.get("student", ""),
                               info.get("assignment", ""), info.get("notebook", ""), code)

    def create_kernel_manager(self):  # type: ignore[override]
        km = super().create_kernel_manager()
        seed = self._seed()
        if seed is not None and isinstance(km, SandboxedKernelManager):
            km.kernel_extra_env = {**km.kernel_extra_env, "WORKBOOK_GRADING_SEED": seed}
        return km

    def _restart(self, failed_index: int) -> bool:
        """Replace the kernel and replay the cells that ran before; False if out of restarts."""
        self._restarts += 1
        try:
            self._cleanup_kernel()
        except Exception as exc:  # a kernel that is already gone
            self.log.debug("cleanup after kernel failure: %s", exc)
        self.km = self.kc = None
        if self._restarts > self.max_restarts:
            self._kernel_gone = f"the kernel had to be restarted more than {self.max_restarts} times"
            return False
        self.km = self.create_kernel_manager()
        self.start_new_kernel()
        self.start_new_kernel_client()
        self.log.warning("kernel restarted after cell %d; replaying %d cells", failed_index, len(self._ran))
        for index in self._ran:
            replay = NotebookNode(cell_type="code", source=self.nb.cells[index].source, metadata={}, outputs=[],
                                  execution_count=None)
            self._current_timeout = self._cell_budget()
            original = self.nb.cells[index]
            try:
                NotebookClient.execute_cell(self, replay, index, store_history=False)
            except (DeadKernelError, CellTimeoutError):
                self._kernel_gone = "the kernel failed again while replaying the cells before the one that failed"
                return False
            finally:
                self.nb.cells[index] = original  # execute_cell stores the cell it ran: keep the graded outputs
        return True

    async def _async_responsive(self) -> bool:
        msg_id = self.kc.kernel_info()
        deadline = time.monotonic() + self.probe_timeout
        while time.monotonic() < deadline:
            try:
                msg = await self.kc.shell_channel.get_msg(timeout=max(0.1, deadline - time.monotonic()))
            except Exception:
                return False
            if msg["parent_header"].get("msg_id") == msg_id:
                return True
        return False

    _responsive = run_sync(_async_responsive)

    # -- execution ------------------------------------------------------------------------
    def _cell_budget(self) -> int:
        left = int(self._deadline - time.monotonic())
        return max(1, min(self.timeout or left, left))

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None):  # type: ignore[override]
        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        self._deadline = time.monotonic() + self.notebook_timeout
        self._restarts, self._ran, self._kernel_gone = 0, [], ""
        self._current_timeout = self.timeout
        self.timeout_func = lambda cell: self._current_timeout
        with self.setup_kernel():
            info = self.wait_for_reply(self.kc.kernel_info())
            if info:
                self.nb.metadata["language_info"] = info["content"]["language_info"]
            for index, cell in enumerate(self.nb.cells):
                self.preprocess_cell(cell, resources, index)
        self.set_widgets_metadata()
        return self.nb, self.resources

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int):  # type: ignore[override]
        if cell.cell_type != "code" or not cell.source.strip():
            return cell, self.resources
        who = nbt.grade_id(cell) or f"cell {index + 1}"
        if self._kernel_gone:
            cell.outputs = [error_output("NotRun", f"not run: {self._kernel_gone}")]
            return cell, self.resources
        if time.monotonic() >= self._deadline:
            cell.outputs = [error_output("NotRun", f"not run: the notebook used up its {self.notebook_timeout} s")]
            note(self.nb, "timeout", f"the notebook ran out of time ({self.notebook_timeout} s) before {who}", who)
            return cell, self.resources
        self._current_timeout = self._cell_budget()
        self._out_chars = 0
        self.error_on_timeout = {"ename": TIMEOUT_ENAME, "evalue": f"this cell timed out after "
                                 f"{self._current_timeout} s and was interrupted (an infinite loop?)",
                                 "traceback": [f"{TIMEOUT_ENAME}: this cell timed out after {self._current_timeout} s "
                                               "and was interrupted (an infinite loop, or far too slow)"]}
        try:
            cell = self.execute_cell(cell, index, store_history=True)
        except DeadKernelError:
            cell.outputs.insert(0, error_output(
                "DeadKernelError", "the kernel died while running this cell: the code ended the Python process "
                                   "(os._exit, a crash) or went over the memory limit; the kernel was restarted"))
            note(self.nb, "kernel died", f"the kernel died while running {who}", who)
            self._restart(index)
        except CellTimeoutError:  # the interrupt did not stop it: the kernel never went idle
            cell.outputs.insert(0, error_output(TIMEOUT_ENAME, self.error_on_timeout["evalue"]))
            note(self.nb, "timeout", f"{who} timed out after {self._current_timeout} s", who)
            self._restart(index)
        else:
            if any(o.get("output_type") == "error" and o.get("ename") == TIMEOUT_ENAME for o in cell.outputs):
                # The timeout is the verdict; the KeyboardInterrupt it caused is noise.
                cell.outputs = sorted((o for o in cell.outputs if o.get("ename") != "KeyboardInterrupt"),
                                      key=lambda o: o.get("ename") != TIMEOUT_ENAME)
                note(self.nb, "timeout", f"{who} timed out after {self._current_timeout} s", who)
                if not self._responsive():
                    self._restart(index)
                    return cell, self.resources
            self._ran.append(index)
        return cell, self.resources

    def output(self, outs, msg, display_id, cell_index):  # type: ignore[override]
        size = sum(len(v) if isinstance(v, str) else len(str(v)) for v in
                   (msg.get("content", {}).get("data") or {}).values()) + len(msg.get("content", {}).get("text", ""))
        self._out_chars = getattr(self, "_out_chars", 0) + size
        if self._out_chars > self.max_output_chars:
            if self._out_chars - size <= self.max_output_chars:
                outs.append(NotebookNode(output_type="stream", name="stdout",
                                         text=f"\n[output truncated after {self.max_output_chars} characters]\n"))
            return None
        return super().output(outs, msg, display_id, cell_index)
