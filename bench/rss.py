"""`python -m bench.rss -- CMD…`: run CMD, then print its exit status and peak RSS (MiB) as JSON."""

from __future__ import annotations

import json
import resource
import subprocess
import sys


def main() -> None:
    command = sys.argv[2:] if sys.argv[1:2] == ["--"] else sys.argv[1:]
    completed = subprocess.run(command, capture_output=True, check=False)
    # Linux reports ru_maxrss in KiB; this process has only this one child.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"status": completed.returncode, "peak_rss_mib": round(peak, 1),
                      "output_chars": len(completed.stdout)}))  # fmt: skip


if __name__ == "__main__":
    main()
