"""A process's own peak resident set size, for the benchmark's child processes.

Kept apart from ``common`` so that the bare window loads nothing but PySide6 and this: the
baseline must not pay for the benchmark's own helpers (statistics, subprocess, metadata).
"""

from __future__ import annotations

import sys


def peak_rss_kb() -> int:
    """This process's peak resident set size in KiB.

    Linux: ``VmHWM`` of /proc/self/status, which belongs to the process's own address space.
    ``ru_maxrss`` (the fallback elsewhere) also counts the parent's RSS at fork time when the
    process was started by exec from a large parent.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    kb = int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    return kb // 1024 if sys.platform == "darwin" else kb  # macOS reports bytes
