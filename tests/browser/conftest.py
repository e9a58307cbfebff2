"""Browser tests: real headless Chromium (Debian's /usr/bin/chromium) driven through
playwright-core by ``frontend/e2e/shell.mjs``, against the app served by ``live_server``.

Nothing is mocked: the script signs in through the web page and compares what the page
shows with what the API answers for the same session. The built web app is made fresh
here when ``frontend/dist`` is missing or older than its sources (``make test`` builds
it before pytest starts, so this normally finds it current).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
SCRIPT = FRONTEND / "e2e" / "shell.mjs"
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
SCRIPT_TIMEOUT = 240


def _newest_source_mtime() -> float:
    sources = [FRONTEND / "index.html", FRONTEND / "package-lock.json", FRONTEND / "vite.config.ts"]
    sources += [p for p in (FRONTEND / "src").rglob("*") if p.is_file() and "gql" not in p.parts]
    sources += list((ROOT / "graphql").rglob("*.graphql"))
    return max(p.stat().st_mtime for p in sources if p.exists())


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(
        command, cwd=FRONTEND, capture_output=True, text=True, check=False, timeout=600
    )
    if result.returncode != 0:
        pytest.fail(f"{what} failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}")


@pytest.fixture(scope="session", autouse=True)
def frontend_dist() -> Path:
    """The built web app; autouse so it exists before ``live_server`` serves it."""
    node = shutil.which("node")
    if node is None:
        pytest.fail(
            "node is not installed: browser tests need Node 20.19+ (see frontend/README.md)"
        )
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-packages` (apt-get install chromium)")
    if not (FRONTEND / "node_modules" / "playwright-core").is_dir():
        _run(["npm", "ci", "--no-audit", "--no-fund"], "npm ci in frontend/")
    index = FRONTEND / "dist" / "index.html"
    if not index.exists() or index.stat().st_mtime < _newest_source_mtime():
        _run(["npm", "run", "build"], "building the web app (npm run build)")
    return index.parent


@dataclass(frozen=True)
class Browser:
    """Runs one scenario of a frontend/e2e script (shell.mjs unless told) against the live server."""

    base_url: str
    users: dict[str, str]
    artifacts: Path

    def run(self, *args: str, script: Path = SCRIPT) -> str:
        env = {
            **os.environ,
            "BASE_URL": self.base_url,
            "DN_USERS": json.dumps(self.users),
            "DN_ARTIFACTS": str(self.artifacts),
            "CHROMIUM_PATH": str(CHROMIUM),
        }
        try:
            result = subprocess.run(
                ["node", str(script), *args],
                cwd=FRONTEND,
                env=env,
                capture_output=True,
                text=True,
                check=False,
                timeout=SCRIPT_TIMEOUT,
            )
        except subprocess.TimeoutExpired as exc:
            partial = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout
            pytest.fail(f"{script.name} {' '.join(args)} took over {SCRIPT_TIMEOUT} s:\n{partial}")
        if result.returncode != 0:
            pytest.fail(
                f"{script.name} {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}",
                pytrace=False,
            )
        return result.stdout

    def choose_users(self) -> dict[str, Any]:
        """A service advisor, a service/regional manager and a multi-dealer user, by role."""
        return dict(json.loads(self.run("choose").strip().splitlines()[-1]))


@pytest.fixture(scope="module")
def browser(live_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Browser:
    users = {name: password for name, password in live_server.users.items() if password}
    return Browser(live_server.base_url, users, tmp_path_factory.mktemp("browser-artifacts"))


@pytest.fixture(scope="module")
def demo_users(browser: Browser) -> dict[str, Any]:
    return browser.choose_users()
