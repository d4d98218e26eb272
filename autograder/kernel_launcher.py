"""Start a grading kernel inside limits: ``python -m autograder.kernel_launcher [options] -- <kernel command>``.

Runs before any student code. It caps the kernel's address space (a memory hog gets a
``MemoryError`` instead of taking the machine down), its processes and the size of the
files it may write; when started as root with ``--uid``, it drops to that unprivileged
user id (one per running kernel, see :mod:`autograder.kernel`), so that student code can
neither write to the course, the gradebook or other students' files nor signal other
kernels, and everything it leaves running can be killed by uid. Then it replaces itself
with the kernel command (``exec``), which inherits all of it. Standard library only, so
that it starts in milliseconds.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys

MiB = 1024 * 1024
CLONE_NEWNS, MS_REC, MS_PRIVATE = 0x00020000, 0x4000, 0x40000
PR_SET_KEEPCAPS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_DAC_READ_SEARCH = 8, 47, 2, 2


def _libc():
    import ctypes

    return ctypes.CDLL(None, use_errno=True)


def _hide(paths: list[str]) -> list[str]:
    """In a private mount namespace, cover ``paths`` with empty read-only folders; return those covered."""
    libc = _libc()
    if libc.unshare(CLONE_NEWNS) != 0 or libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None) != 0:
        return []
    covered = []
    for path in paths:
        if os.path.isdir(path) and libc.mount(b"tmpfs", path.encode(), b"tmpfs", 1, b"size=16k,mode=0555") == 0:
            covered.append(os.path.realpath(path))
    return covered


def _drop_to(uid: int) -> None:
    """Become ``uid``, keeping only the right to read and search files (CAP_DAC_READ_SEARCH).

    The interpreter may live where only root can reach it (e.g. under /root); reading stays
    possible, writing anything but the kernel's own folder does not.
    """
    import ctypes

    libc = _libc()
    libc.prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0)
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    keep = 1 << CAP_DAC_READ_SEARCH
    data = (ctypes.c_uint32 * 6)(keep, keep, keep, 0, 0, 0)  # effective, permitted, inheritable (two words)
    if libc.capset(header, data) == 0:
        libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_DAC_READ_SEARCH, 0, 0)


def _limit(which: int, value: int) -> None:
    _, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, value))


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    split = argv.index("--") if "--" in argv else len(argv)
    parser = argparse.ArgumentParser(prog="autograder.kernel_launcher")
    parser.add_argument("--memory-mb", type=int, default=2048, help="address-space limit of the kernel (0: none)")
    parser.add_argument("--max-file-mb", type=int, default=256, help="largest file the kernel may write (0: none)")
    parser.add_argument("--uid", type=int, default=-1, help="run as this user id when started as root")
    parser.add_argument("--max-processes", type=int, default=64, help="processes and threads of that uid")
    parser.add_argument("--home", default="", help="private writable folder for HOME, TMPDIR and caches")
    parser.add_argument("--hide", action="append", default=[], help="folder the kernel must not see (as root)")
    opts = parser.parse_args(argv[:split])
    cmd = argv[split + 1:]
    if not cmd:
        parser.error("no kernel command after --")

    if opts.memory_mb > 0:
        _limit(resource.RLIMIT_AS, opts.memory_mb * MiB)
    if opts.max_file_mb > 0:
        _limit(resource.RLIMIT_FSIZE, opts.max_file_mb * MiB)
    _limit(resource.RLIMIT_CORE, 0)
    if opts.home:
        for var in ("HOME", "TMPDIR", "IPYTHONDIR", "MPLCONFIGDIR", "JUPYTER_RUNTIME_DIR"):
            os.environ[var] = opts.home

    if opts.uid >= 0 and os.geteuid() == 0:
        if opts.home:
            os.chown(opts.home, opts.uid, opts.uid)
            # The connection file is the manager's (mode 600): hand the kernel its own copy.
            for i, arg in enumerate(cmd):
                if arg.endswith(".json") and os.path.isfile(arg):
                    copy = os.path.join(opts.home, os.path.basename(arg))
                    shutil.copyfile(arg, copy)
                    os.chown(copy, opts.uid, opts.uid)
                    cmd[i] = copy
        os.environ["USER"] = os.environ["LOGNAME"] = f"grading-{opts.uid}"
        covered = _hide(opts.hide)
        cwd = os.path.realpath(os.getcwd())
        if opts.home and any(cwd == c or cwd.startswith(c + os.sep) for c in covered):
            os.chdir(opts.home)  # `..` from a covered folder would still reach what it hides
        if opts.max_processes > 0:
            _limit(resource.RLIMIT_NPROC, opts.max_processes)
        _drop_to(opts.uid)
    # The kernel's own log (startup warnings) is not the notebook's output: keep it off the grader's terminal.
    quiet = os.open(os.path.join(opts.home, "kernel.log") if opts.home else os.devnull,
                    os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    main()
