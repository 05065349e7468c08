"""`python -m meetings.documents.guard SERVER_PID PROGRAM ARGS...`: run a program that starts
children of its own (LibreOffice: soffice, oosplash, soffice.bin) so that they all die with
the server.

The kernel's parent-death signal reaches only a direct child, and LibreOffice's real worker is
a grandchild. This guard is the direct child: when the server dies it gets SIGTERM
(meetings.documents.orphans) and kills its whole process group, which the server made for it
and which every LibreOffice process shares. Otherwise it just waits and passes the exit status
on.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from types import FrameType

from meetings.documents.orphans import die_with_parent


def _kill_group(_signum: int, _frame: FrameType | None) -> None:
    os.killpg(0, signal.SIGKILL)


def main(argv: list[str]) -> int:
    """argv: the server's pid, then the program and its arguments."""
    if len(argv) < 2 or not argv[0].isdigit():
        return 2
    signal.signal(signal.SIGTERM, _kill_group)
    die_with_parent(int(argv[0]), signal.SIGTERM)
    return subprocess.call(argv[1:])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
