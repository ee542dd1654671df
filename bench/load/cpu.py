"""CPU seconds used by the gunicorn workers and by the PostgreSQL backends of the load database (Linux /proc).

    python bench/load/cpu.py snapshot FILE GUNICORN_PID DBNAME     # before and after the run
    python bench/load/cpu.py diff BEFORE AFTER                      # {"app": s, "db": s}

Latencies on a machine shared with other work measure the queue as much as the portal; CPU per request does not.
"""

import json
import os
import re
import sys
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def snapshot(gunicorn_pid: int, dbname: str) -> dict:
    result = {"app": {}, "db": {}}
    backend = re.compile(rf"^postgres: .*\b{re.escape(dbname)} ")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            parent = int(re.search(r"^PPid:\s+(\d+)", status, re.M).group(1))
            if parent == gunicorn_pid:
                result["app"][entry.name] = cpu_seconds(int(entry.name))
            elif backend.match(cmdline):
                result["db"][entry.name] = cpu_seconds(int(entry.name))
        except (FileNotFoundError, ProcessLookupError, AttributeError):
            continue  # the process ended while we looked
    return result


def diff(before: dict, after: dict) -> dict:
    return {
        kind: round(sum(seconds - before[kind].get(pid, 0.0) for pid, seconds in after[kind].items()), 2)
        for kind in ("app", "db")
    }


if __name__ == "__main__":
    if sys.argv[1] == "snapshot":
        Path(sys.argv[2]).write_text(json.dumps(snapshot(int(sys.argv[3]), sys.argv[4])))
    else:
        before, after = (json.loads(Path(p).read_text()) for p in sys.argv[2:4])
        print(json.dumps(diff(before, after)))
