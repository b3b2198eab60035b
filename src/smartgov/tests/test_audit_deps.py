"""`make scan`'s pip-audit step (tools/audit_deps.py): a known vulnerability fails it; packages the vulnerability
service could not be asked about are announced, never passed off as a clean audit, and fail it in strict mode."""

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "tools" / "audit_deps.py"


@pytest.fixture
def audit(monkeypatch):
    spec = importlib.util.spec_from_file_location("audit_deps", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def run_with(dependencies, *, strict=False):
        report = json.dumps({"dependencies": dependencies, "fixes": []})
        answer = subprocess.CompletedProcess(args=[], returncode=0, stdout=report, stderr="")
        monkeypatch.setattr(module.subprocess, "run", lambda *a, **k: answer)
        monkeypatch.setenv("SMARTGOV_AUDIT_STRICT", "1" if strict else "")
        return module.main()

    return run_with


DJANGO = {"name": "django", "version": "5.2.19", "vulns": []}
UNASKED = {"name": "requests", "skip_reason": "Dependency not found on PyPI and could not be audited: requests"}


def test_a_clean_audit_passes(audit, capsys):
    assert audit([DJANGO]) == 0
    assert "1 of 1 packages audited, 0 vulnerable" in capsys.readouterr().out


def test_a_known_vulnerability_fails(audit, capsys):
    vulnerable = {**DJANGO, "vulns": [{"id": "PYSEC-2026-1", "fix_versions": ["5.2.20"], "description": ""}]}
    assert audit([vulnerable, UNASKED]) == 1
    assert "VULNERABLE django 5.2.19: PYSEC-2026-1 (fixed in 5.2.20)" in capsys.readouterr().out


def test_an_unreachable_service_is_announced_and_fails_when_strict(audit, capsys):
    assert audit([DJANGO, UNASKED]) == 0
    assert "NOT DONE" in capsys.readouterr().err
    assert audit([DJANGO, UNASKED], strict=True) == 2
    assert "1 packages could not be audited" in capsys.readouterr().err
