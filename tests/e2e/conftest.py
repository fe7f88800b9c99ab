"""A live server on a free port (same database as the other tests) and headless Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 "--disable-quic", "--disable-dev-shm-usage"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# package scope: the server (and its job worker) stops when the browser tests end, so it never
# claims the jobs that later tests queue and run in their own process (tests/jobs_helpers.py)
@pytest.fixture(scope="package")
def live_server(database: None) -> Iterator[str]:
    port = _free_port()
    # every browser test comes from 127.0.0.1: the per-connection limits of the public forms
    # and of sign-in (each tested on its own in tests/cases and tests/platform) would refuse
    # the later tests' reports, look-ups and sign-ins (40 browser tests sign in 60+ times)
    env = dict(os.environ, WASPADA_LOG_LEVEL="WARNING", WASPADA_CASES_PUBLIC_REPORTS_PER_HOUR="200",
               WASPADA_CASES_PUBLIC_LOOKUPS_PER_HOUR="500", WASPADA_LOGIN_IP_ATTEMPTS_PER_5MIN="1000",
               WASPADA_JOB_WORKERS="1",
               WASPADA_JOB_POLL_SECONDS="0.2")
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "waspada.platform.web:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    # generous: on a loaded 2-core machine, with two pytest-xdist workers, the start took
    # over 30 s (the browser tests then failed with 'server did not start')
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        process.kill()
        raise RuntimeError("server did not start: " + process.stderr.read().decode()[-2000:])
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM):
        pytest.fail("Debian's chromium is missing: run `make test`, which installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture()
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def sign_in_page(page, base: str, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
