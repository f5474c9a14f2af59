"""Tiny launcher: spawn a command, wait4 it, write its wall time and own peak RSS as JSON.

Linux carries a parent's resident size into a forked child's ru_maxrss (and across
exec), so children are spawned from this small process instead of the bench itself:
the floor is then this launcher's few MiB, below any Python program measured.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from types import FrameType


def main() -> int:
    result_file, timeout, separator, *command = sys.argv[1:]
    if separator != "--" or not command:
        print("usage: spawn.py RESULT_FILE TIMEOUT -- COMMAND...", file=sys.stderr)
        return 2
    started = time.perf_counter()
    pid = os.posix_spawnp(command[0], command, os.environ)

    def expire(signum: int, frame: FrameType | None) -> None:
        os.kill(pid, signal.SIGKILL)

    signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, float(timeout))
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    signal.setitimer(signal.ITIMER_REAL, 0)
    report = {
        "wall": wall,
        "maxrss_kib": usage.ru_maxrss,
        "exit_code": os.waitstatus_to_exitcode(status),
        "timed_out": wall >= float(timeout),
    }
    with open(result_file, "w", encoding="utf-8") as out:
        json.dump(report, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
