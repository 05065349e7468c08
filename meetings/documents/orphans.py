"""No child of the server outlives it: a render worker or a reader of an upload asks the kernel
to kill it when its parent dies (Linux `PR_SET_PDEATHSIG`), however the parent dies, SIGKILL
included. Without it a killed server left its render workers (and the resource tracker
waiting on them) running, holding their memory.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal

PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int, sig: int = signal.SIGKILL) -> bool:
    """Ask to receive `sig` when `parent` (the server's pid, taken before the child was
    started) exits; False where the kernel cannot (not Linux). Call it first thing in the child.
    If the parent has died already (a child that starts slowly, on a busy machine), the signal
    comes at once."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        prctl = ctypes.CDLL(name, use_errno=True).prctl
    except (OSError, AttributeError):
        return False
    if prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
        return False
    if os.getppid() != parent:  # the parent went before the kernel could watch it
        os.kill(os.getpid(), sig)
    return True
