"""The `phonghop` command: db upgrade and user add, as an administrator runs them."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT


def run(settings, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    env = dict(os.environ, PHONGHOP_DATA_DIR=str(settings.data_dir),
               PHONGHOP_DATABASE_URL=settings.db_url, PHONGHOP_FAST_PASSWORDS="1")
    return subprocess.run([sys.executable, "-m", "phonghop.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, input=input, timeout=60)


def test_db_upgrade_and_user_add(settings, login, app) -> None:
    assert run(settings, "db", "upgrade").returncode == 0
    r = run(settings, "user", "add", "vanthu2", "--full-name", "Đặng Thị Vân", "--password",
            "mat-khau-van-thu", "--role", "archivist")
    assert r.returncode == 0, r.stderr
    client = login(None)
    r2 = client.post("/api/login", json={"username": "vanthu2", "password": "mat-khau-van-thu"})
    assert r2.status_code == 200 and r2.json()["user"]["global_role"] == "archivist"
    again = run(settings, "user", "add", "vanthu2", "--password", "mat-khau-van-thu")
    assert again.returncode == 2 and "username" in again.stderr
    weak = run(settings, "user", "add", "x9", "--password", "short")
    assert weak.returncode == 2 and "8" in weak.stderr
