"""`make audit`: known vulnerabilities of the installed packages (pip-audit), or a clear word
that the vulnerability database could not be reached and nothing was checked.

    python scripts/audit.py [REPORT.json]      (reads pip-audit's JSON report)

Exit status: 0 nothing known (or nothing could be checked), 1 vulnerabilities found.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    """Print the vulnerable packages with their fixed versions, or why nothing was checked."""
    report = json.loads(Path(argv[0] if argv else "var/audit.json").read_text())
    packages = report.get("dependencies", [])
    checked = [p for p in packages if "skip_reason" not in p]
    if not checked:
        print(
            f"make audit: the vulnerability database could not be reached (or knows none of the "
            f"{len(packages)} packages): NOTHING WAS CHECKED. Run it where the network allows."
        )
        return 0
    vulnerable = [p for p in checked if p.get("vulns")]
    for package in vulnerable:
        for vuln in package["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or ["no fix yet"])
            print(f"{package['name']} {package['version']}: {vuln['id']} (fixed in {fixed})")
    skipped = len(packages) - len(checked)
    print(
        f"make audit: {len(checked)} packages checked, {len(vulnerable)} with known "
        f"vulnerabilities" + (f", {skipped} not found in the database" if skipped else "")
    )
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
