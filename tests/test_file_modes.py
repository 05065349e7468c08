"""The data directory, the database, its WAL, the secret key and the body's signing key are
the server's own: started the way the README starts it (`phonghop demo`, here from a shell
whose umask is the usual 022), the server creates nothing that another user of the machine
can read. The systemd units set the same umask."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, free_port


@pytest.mark.server
def test_what_the_server_writes_is_its_own(tmp_path: Path) -> None:
    data = tmp_path / "var"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PHONGHOP_")}
    env |= {"PHONGHOP_FAST_PASSWORDS": "1", "PHONGHOP_RENDER_WORKERS": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "phonghop.cli", "demo", "--port", str(port),
         "--data-dir", str(data)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, preexec_fn=lambda: os.umask(0o022),
        start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, "the demo server exited"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the demo server did not start"
            time.sleep(0.2)
        login = httpx.post(f"http://127.0.0.1:{port}/api/login",
                           json={"username": "thuky", "password": "phonghop2026"})
        assert login.status_code == 200  # a write: the WAL is in use
        made = [p for p in data.rglob("*")] + [data]
        names = {p.name for p in made}
        assert {"phonghop.db", "phonghop.db-wal", "secret_key"} <= names, names
        assert any(p.suffix == ".p12" for p in made), names
        assert stat.S_IMODE(data.stat().st_mode) == 0o700
        readable = [f"{p.relative_to(tmp_path)} {oct(stat.S_IMODE(p.stat().st_mode))}"
                    for p in made if p.stat().st_mode & 0o077]
        assert readable == []
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


@pytest.mark.parametrize("unit", ["phonghop.service", "phonghop@.service"])
def test_the_systemd_units_set_a_private_umask(unit: str) -> None:
    lines = (ROOT / "deploy" / unit).read_text().splitlines()
    assert "UMask=0077" in lines
