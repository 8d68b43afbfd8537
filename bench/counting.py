"""Instructions counted by Linux perf around part of a benchmark, in every process it starts
(the importing process, its reading workers, the database server of its throwaway cluster).

On a shared machine, wall time and even processor time vary by up to 2× from one minute to
the next; the number of instructions an import takes hardly does (±0.5 %), so two versions of
the code can be compared on it. `rerun_counted()` runs the benchmark again under
`perf stat`, started with counting off; the benchmark turns it on and off with `counted()`
around the part measured. Without perf (or where the kernel does not let it count), the
benchmark runs as before and says so.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CONTROL = "BENCH_PERF_CONTROL"  # "ctl fifo,ack fifo" of the perf stat the benchmark runs under
EVENT = "instructions:u"


def _command(control: str, ack: str, out: Path, module: str, arguments: list[str]) -> list[str]:
    return ["perf", "stat", "-e", EVENT, "--delay=-1", f"--control=fifo:{control},{ack}", "-x,", "-o", str(out),
            sys.executable, "-m", module, *arguments]


def perf_works() -> bool:
    if shutil.which("perf") is None:
        return False
    probe = subprocess.run(["perf", "stat", "-e", EVENT, "-x,", "true"], capture_output=True, text=True)
    return probe.returncode == 0 and "not supported" not in probe.stderr and "<not counted>" not in probe.stderr


def rerun_counted(module: str, arguments: list[str]) -> tuple[int, int | None, int | None]:
    """Run `python -m module arguments` under perf stat; (its exit code, the instructions
    counted while it had counting on or None when perf could not count, the number of rows
    the benchmark said the counted part handled)."""
    with tempfile.TemporaryDirectory(prefix="bench-perf-") as folder:
        control, ack, out = (Path(folder) / name for name in ("control", "ack", "out"))
        os.mkfifo(control)
        os.mkfifo(ack)
        code = subprocess.call(_command(str(control), str(ack), out, module, arguments),
                               env={**os.environ, CONTROL: f"{control},{ack}"})
        instructions = None
        for line in out.read_text().splitlines() if out.exists() else []:
            value, _unit, event, *_ = line.split(",") + ["", ""]
            if event.startswith("instructions") and value.isdigit():
                instructions = int(value)
        rows = Path(folder) / "rows"
        return code, instructions, int(rows.read_text()) if rows.exists() else None


def _tell_perf(command: str) -> None:
    control, ack = os.environ[CONTROL].split(",")
    with open(control, "w") as handle:
        handle.write(command + "\n")
    with open(ack) as handle:
        handle.readline()  # "ack": perf has done it


@contextmanager
def counted() -> Iterator[dict]:
    """Count instructions inside the block, when running under rerun_counted(); the block
    sets "rows" in the dict it gets to the number of rows the counted work handled."""
    handled: dict = {}
    if CONTROL not in os.environ:
        yield handled
        return
    _tell_perf("enable")
    try:
        yield handled
    finally:
        _tell_perf("disable")
        if "rows" in handled:
            (Path(os.environ[CONTROL].split(",")[0]).parent / "rows").write_text(str(handled["rows"]))
