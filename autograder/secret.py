"""The course's grading secret, which makes each submission's random test inputs reproducible.

Hidden tests draw fresh random inputs at grading time. Their seed is derived from a secret
kept in the grading folder (never in git) and from the submission's own code, so grading the
same submission again gives the same inputs and the same score, a changed submission gets
new inputs, and nobody without the secret can predict them before grading.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path


def grading_secret(path: str | Path) -> bytes:
    """Read the secret at ``path``, creating it (mode 600) on first use."""
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_bytes().strip()


def submission_seed(secret: bytes, *parts: str) -> str:
    """A decimal seed for a submission, from the secret and identifying strings."""
    digest = hmac.new(secret, "\x1f".join(parts).encode("utf-8"), hashlib.sha256).hexdigest()
    return str(int(digest[:15], 16))
