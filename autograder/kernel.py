"""The kernel manager used for grading: every kernel starts inside limits, with a clean environment.

:class:`SandboxedKernelManager` wraps the kernel command in :mod:`autograder.kernel_launcher`
(memory limit, file-size limit, and, when grading as root, a private unprivileged user id),
gives the kernel an environment with nothing secret in it (no database URL, no tokens),
one BLAS/OpenMP thread (parallel kernels must not oversubscribe the cores), and kills
every process the kernel left behind when it shuts down.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import sys
import tempfile
import uuid
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import Bool, Dict, Integer, List, Unicode

# Variables a kernel may inherit; everything else (database URLs, tokens, cloud credentials) is dropped.
SAFE_ENV = ("PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_NUMERIC", "TZ", "TERM", "PYTHONPATH",
            "PYTHONHASHSEED", "VIRTUAL_ENV", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "MPLBACKEND",
            "NBGRADER_EXECUTION", "SYSTEMROOT", "JPY_PARENT_PID")
ONE_THREAD = {v: "1" for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                               "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")}
TOKEN_VAR = "WORKBOOK_KERNEL_TOKEN"
LOCK_DIR = Path(tempfile.gettempdir()) / "workbook-grading-uids"


def kernel_env(env: dict[str, str], extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a grading kernel: safe variables only, one thread, plus ``extra``."""
    clean = {k: v for k, v in env.items() if k in SAFE_ENV or k.startswith("LC_")}
    clean.update(ONE_THREAD)
    clean["PYTHONDONTWRITEBYTECODE"] = "1"
    clean.update(extra or {})
    return clean


def _processes() -> list[tuple[int, int]]:
    """(pid, real uid) of every process we can see."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                status = Path("/proc", entry, "status").read_text()
                uid = int(next(line for line in status.splitlines() if line.startswith("Uid:")).split()[1])
                found.append((int(entry), uid))
    return found


def _has_token(pid: int, token: str) -> bool:
    with contextlib.suppress(OSError):
        return f"{TOKEN_VAR}={token}".encode() in Path("/proc", str(pid), "environ").read_bytes().split(b"\0")
    return False


def kill_leftovers(uid: int | None, token: str) -> int:
    """Kill what a kernel left running: every process of its private uid, or carrying its token."""
    if not Path("/proc").is_dir():
        return 0
    me, killed = os.getpid(), 0
    for pid, puid in _processes():
        if pid == me:
            continue
        if (uid is not None and puid == uid) or (uid is None and _has_token(pid, token)):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                killed += 1
    return killed


class SandboxedKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` whose kernels run inside :mod:`autograder.kernel_launcher`."""

    memory_limit_mb = Integer(2048, help="Address-space limit of each grading kernel in MiB (0: none)").tag(config=True)
    max_file_mb = Integer(256, help="Largest file a grading kernel may write, in MiB (0: none)").tag(config=True)
    drop_privileges = Bool(True, help="When grading as root, run each kernel under its own unprivileged uid").tag(
        config=True)
    first_uid = Integer(61000, help="First of the uids used for kernels when grading as root").tag(config=True)
    uid_count = Integer(2000, help="How many uids from first_uid may be used").tag(config=True)
    max_processes = Integer(64, help="Processes and threads a sandboxed kernel may run (RLIMIT_NPROC)").tag(config=True)
    hidden_paths = List(Unicode(), help="Folders a sandboxed kernel must not see: grading state, solutions").tag(
        config=True)
    kernel_extra_env = Dict(help="Extra environment variables for the kernel (e.g. the grading seed)").tag(config=True)

    _uid: int | None = None
    _uid_lock = None
    _home: str | None = None
    _token: str = ""

    def _claim_uid(self) -> int | None:
        """A uid no other running kernel uses, held with a lock file for this kernel's lifetime."""
        if not (self.drop_privileges and hasattr(os, "geteuid") and os.geteuid() == 0):
            return None
        LOCK_DIR.mkdir(mode=0o700, exist_ok=True)
        start = os.getpid() % self.uid_count
        for i in range(self.uid_count):
            uid = self.first_uid + (start + i) % self.uid_count
            handle = open(LOCK_DIR / str(uid), "w")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                continue
            kill_leftovers(uid, "")  # a crashed grader may have left one behind
            self._uid_lock = handle
            return uid
        raise RuntimeError("no free sandbox uid for a grading kernel")

    async def _async_pre_start_kernel(self, **kw):  # type: ignore[override]
        self._token = uuid.uuid4().hex
        extra = {**self.kernel_extra_env, TOKEN_VAR: self._token}
        kw["env"] = kernel_env(dict(kw.get("env") or os.environ), extra)
        cmd, kw = await super()._async_pre_start_kernel(**kw)
        self._uid = self._claim_uid()
        self._home = tempfile.mkdtemp(prefix="workbook-kernel-")
        launcher = [sys.executable, "-m", "autograder.kernel_launcher", "--memory-mb", str(self.memory_limit_mb),
                    "--max-file-mb", str(self.max_file_mb), "--home", self._home,
                    "--max-processes", str(self.max_processes)]
        if self._uid is not None:
            launcher += ["--uid", str(self._uid)]
            for path in self.hidden_paths:
                launcher += ["--hide", path]
        # The launcher must import `autograder` from this checkout whatever the kernel's cwd.
        root = str(Path(__file__).resolve().parents[1])
        kw["env"]["PYTHONPATH"] = os.pathsep.join(p for p in (root, kw["env"].get("PYTHONPATH", "")) if p)
        return launcher + ["--", *cmd], kw

    async def _async_cleanup_resources(self, restart: bool = False) -> None:  # type: ignore[override]
        try:
            await super()._async_cleanup_resources(restart=restart)
        finally:
            if self._token:
                kill_leftovers(self._uid, self._token)
            if self._uid_lock is not None:
                self._uid_lock.close()
                self._uid_lock = None
            if self._home:
                shutil.rmtree(self._home, ignore_errors=True)
                self._home = None

    cleanup_resources = _async_cleanup_resources
