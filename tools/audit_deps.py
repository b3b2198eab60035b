"""pip-audit over the installed environment, for `make scan` (docs/contributing.md).

Fails (exit 1) on a known vulnerability of an installed package that is not ignored below with its reason.
When the vulnerability service cannot be asked about some packages (no network, or a registry mirror without
PyPI's per-release JSON), it says so in a banner that names how many went unaudited, and fails only when
SMARTGOV_AUDIT_STRICT=1 (set it where the service is reachable, so that an outage cannot pass for a clean audit).
"""

import json
import os
import subprocess
import sys

#: Vulnerabilities accepted for now: id (PYSEC-…, GHSA-…, CVE-…) → why it does not reach SmartGov, and until when.
IGNORED: dict[str, str] = {}


def main() -> int:
    service = os.environ.get("SMARTGOV_AUDIT_SERVICE", "pypi")
    strict = os.environ.get("SMARTGOV_AUDIT_STRICT", "") == "1"
    command = [sys.executable, "-m", "pip_audit", "--format", "json", "--progress-spinner", "off", "--skip-editable"]
    command += ["--vulnerability-service", service]
    for vulnerability in IGNORED:
        command += ["--ignore-vuln", vulnerability]
    ran = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)  # noqa: S603
    try:
        report = json.loads(ran.stdout)
    except json.JSONDecodeError:
        return _unaudited(f"pip-audit gave no report (exit {ran.returncode}): {ran.stderr.strip()[-2000:]}", strict)
    packages = [p for p in report.get("dependencies", []) if p["name"] != "smartgov"]  # this project, not on PyPI
    vulnerable = [p for p in packages if p.get("vulns")]
    skipped = [p for p in packages if p.get("skip_reason")]
    for package in vulnerable:
        for vuln in package["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed release yet"
            print(f"VULNERABLE {package['name']} {package['version']}: {vuln['id']} (fixed in {fixed})")
    audited = len(packages) - len(skipped)
    print(f"pip-audit ({service}): {audited} of {len(packages)} packages audited, {len(vulnerable)} vulnerable")
    if vulnerable:
        return 1
    if skipped:
        names = ", ".join(sorted(p["name"] for p in skipped))
        why = skipped[0]["skip_reason"]
        return _unaudited(f"{len(skipped)} packages could not be audited (the first: {why}): {names}", strict)
    return 0


def _unaudited(why: str, strict: bool) -> int:
    bar = "!" * 100
    verdict = "FAILED (SMARTGOV_AUDIT_STRICT=1)" if strict else "NOT DONE: the vulnerability service was unreachable"
    print(f"{bar}\npip-audit {verdict}\n{why}\n{bar}", file=sys.stderr)
    return 2 if strict else 0


if __name__ == "__main__":
    sys.exit(main())
