"""`--busy`: a second process keeping one core busy while the measured steps run.

The spinner is a plain Python loop in a process of its own, started once by the bench,
stopped (SIGSTOP) between the measured steps, so the data generation is not slowed
down, and resumed (SIGCONT) for each step. Its CPU time over each step is recorded
beside the step's figures (`busy_core`: the share of one core it got, 1.0 = a whole
core), so a run shows that the machine really was busy.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SPIN = "while True: pass"
_TICKS = os.sysconf("SC_CLK_TCK")


class Spinner:
    """One process spinning on one core, paused until `during` resumes it."""

    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", SPIN])
        os.kill(self.process.pid, signal.SIGSTOP)
        self.busy_s = 0.0  # wall time of the steps it ran beside
        self.cpu_s = 0.0  # CPU time it took during them

    def _cpu(self) -> float:
        """utime + stime of the spinner so far, in seconds (/proc/PID/stat)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICKS

    @contextmanager
    def during(self) -> Iterator[dict[str, float]]:
        """Spin for the block; {'busy_core': share of a core it got} when it ends."""
        out: dict[str, float] = {}
        cpu, start = self._cpu(), time.perf_counter()
        os.kill(self.process.pid, signal.SIGCONT)
        try:
            yield out
        finally:
            os.kill(self.process.pid, signal.SIGSTOP)
            wall, used = time.perf_counter() - start, self._cpu() - cpu
            self.busy_s += wall
            self.cpu_s += used
            out["busy_core"] = round(used / wall, 2) if wall else 0.0

    def stop(self) -> dict[str, float]:
        """End the process; what it did over the whole run."""
        self.process.kill()
        self.process.wait()
        share = round(self.cpu_s / self.busy_s, 2) if self.busy_s else 0.0
        return {"steps_s": round(self.busy_s, 1), "cpu_s": round(self.cpu_s, 1), "core": share}


@contextmanager
def keep_busy(on: bool) -> Iterator[Spinner | None]:
    """A Spinner for the run when `on`, ended however the run ends."""
    if not on:
        yield None
        return
    spin = Spinner()
    try:
        yield spin
    finally:
        if spin.process.poll() is None:
            spin.stop()
