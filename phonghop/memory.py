"""How the server process asks glibc for memory.

glibc gives every thread that allocates its own malloc arena (up to eight per core), and an
arena keeps the pages it once used. The server runs database reads in a thread pool, so a
reconnect storm of 1,000 tablets touched a dozen arenas and left each tablet costing 25 KB of
resident memory; with two arenas it is 17 KB, and the floor (a bare `websockets` server) is
13 KB (`bench/fanout.py`, N=1000). `MALLOC_ARENA_MAX` in the environment still wins.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

M_ARENA_MAX = -8  # from glibc's malloc.h


def limit_malloc_arenas(arenas: int = 2) -> bool:
    """Cap glibc's malloc arenas for this process; call before threads start. False where the
    C library is not glibc or the environment already decides."""
    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_ARENA_MAX, arenas))
