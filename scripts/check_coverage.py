"""Fail unless every module of custom_components/door_access has at least N % coverage."""

from __future__ import annotations

import json
from pathlib import Path
import sys
import tempfile

import coverage


def main() -> int:
    """Print each module's coverage and return 1 when one is below the threshold."""
    threshold = float(sys.argv[1]) if len(sys.argv) > 1 else 95.0
    cov = coverage.Coverage()
    cov.load()
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "coverage.json"
        cov.json_report(outfile=str(report))
        files = json.loads(report.read_text())["files"]
    failures: list[str] = []
    rows: list[tuple[str, float]] = []
    for filename in sorted(files):
        if "custom_components/door_access" not in filename:
            continue
        percent = float(files[filename]["summary"]["percent_covered"])
        short = filename.split("custom_components/", 1)[1]
        rows.append((short, percent))
        if percent < threshold:
            failures.append(short)
    for short, percent in rows:
        flag = "" if percent >= threshold else f"  < {threshold:.0f} %"
        print(f"{percent:6.1f} %  {short}{flag}")
    if failures:
        print(f"Modules below {threshold:.0f} % coverage: {', '.join(failures)}")
        return 1
    print(f"Every module is at or above {threshold:.0f} % coverage.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
