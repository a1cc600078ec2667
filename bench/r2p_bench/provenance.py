"""Where and with what a benchmark ran: the machine and the checkout's revision."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path


def git_revision(checkout: Path) -> str:
    """The short commit of ``checkout``, noting uncommitted changes (``unknown`` without git)."""
    try:
        rev = subprocess.run(
            ["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(checkout), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{rev}{' with uncommitted changes' if dirty else ''}"


def machine() -> str:
    """CPUs, their model, memory and kernel, in one line."""
    cpu = "unknown CPU"
    memory = "unknown memory"
    for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("MemTotal:"):
            memory = f"{int(line.split()[1]) / 2**20:.1f} GiB RAM"
            break
    cpus = len(os.sched_getaffinity(0))
    return f"{cpus} CPUs ({cpu}), {memory}, {platform.system()} {platform.release()}"
