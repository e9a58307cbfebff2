"""The drills' own PostgreSQL, Redis and pgbouncer, which they may stop and restart.

Never the services the rest of the suite (or anyone else) uses: a cluster of its own
under ``.local/drills/`` (git-ignored) on private ports, created on first use (initdb
takes a second or two) and left running between drills (``stop_all`` ends it).
PostgreSQL and pgbouncer refuse to run as root, so as root they run as ``postgres``.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
HOME = ROOT / ".local" / "drills"
PG_PORT = int(os.environ.get("DEALERNET_DRILL_PG_PORT", "55470"))
REDIS_PORT = int(os.environ.get("DEALERNET_DRILL_REDIS_PORT", "56470"))
BOUNCER_PORT = int(os.environ.get("DEALERNET_DRILL_BOUNCER_PORT", "55471"))


class ClusterError(RuntimeError):
    pass


def _pg_bin() -> Path:
    for found in sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True):
        return Path(found).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise ClusterError("PostgreSQL server binaries not found (apt-get install postgresql)")


def _as_pg(*command: str | Path) -> list[str]:
    args = [str(c) for c in command]
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _run(command: list[str], *, timeout: float = 60) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise ClusterError(f"{' '.join(command)} failed: {done.stdout}{done.stderr}")
    return done.stdout


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _wait_for(check: object, what: str, within: float = 30) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise ClusterError(f"{what} did not come up within {within} s")


@dataclass(frozen=True)
class DrillCluster:
    """Handles to the drill services; every method is idempotent and synchronous."""

    pg_port: int = PG_PORT
    redis_port: int = REDIS_PORT
    bouncer_port: int = BOUNCER_PORT

    @property
    def pg_dir(self) -> Path:
        return HOME / "pg"

    def database_url(self, database: str, user: str = "postgres") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.pg_port}/{database}"

    def pooler_url(self, database: str) -> str:
        """Through pgbouncer, as the app role (the pooler cannot pass ``role`` on)."""
        return f"postgresql://dealernet_app@127.0.0.1:{self.bouncer_port}/{database}"

    def redis_url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/{db}"

    # --- PostgreSQL -----------------------------------------------------------------

    def _pg_ctl(self, *args: str, timeout: float = 60) -> str:
        return _run(
            _as_pg(_pg_bin() / "pg_ctl", "-D", self.pg_dir / "data", *args), timeout=timeout
        )

    def postgres_running(self) -> bool:
        command = _as_pg(_pg_bin() / "pg_ctl", "-D", self.pg_dir / "data", "status")
        return subprocess.run(command, capture_output=True, check=False).returncode == 0

    def start_postgres(self) -> None:
        HOME.mkdir(parents=True, exist_ok=True)
        if not (self.pg_dir / "data" / "PG_VERSION").exists():
            (self.pg_dir / "data").mkdir(parents=True, exist_ok=True)
            (self.pg_dir / "run").mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                _run(["chown", "-R", "postgres:postgres", str(self.pg_dir)])
            _run(
                _as_pg(
                    _pg_bin() / "initdb", "-D", self.pg_dir / "data", "-U", "postgres",
                    "-A", "trust", "-E", "UTF8", "--no-locale",
                )
            )  # fmt: skip
        if self.postgres_running():
            return
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.pg_port} -k {self.pg_dir / 'run'}"
            " -c fsync=off -c max_connections=200"
        )
        self._pg_ctl("-l", str(self.pg_dir / "server.log"), "-w", "-o", options, "start")
        _wait_for(lambda: _port_open(self.pg_port), "PostgreSQL")

    def stop_postgres(self, mode: str = "fast") -> None:
        """``fast`` ends every session (a rolling restart); ``immediate`` is a crash."""
        if self.postgres_running():
            self._pg_ctl("-m", mode, "-w", "stop")

    def psql(self, sql: str, database: str = "postgres") -> str:
        return _run(
            _as_pg(
                _pg_bin() / "psql", "-h", "127.0.0.1", "-p", str(self.pg_port), "-U", "postgres",
                "-d", database, "-v", "ON_ERROR_STOP=1", "-tAc", sql,
            )
        )  # fmt: skip

    # --- Redis ----------------------------------------------------------------------

    def start_redis(self) -> None:
        if _port_open(self.redis_port):
            return
        folder = HOME / "redis"
        folder.mkdir(parents=True, exist_ok=True)
        _run(
            [
                "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1",
                "--port", str(self.redis_port), "--save", "", "--appendonly", "no",
                "--dir", str(folder), "--logfile", str(folder / "redis.log"),
                "--pidfile", str(folder / "redis.pid"),
            ]
        )  # fmt: skip
        _wait_for(lambda: _port_open(self.redis_port), "Redis")

    def stop_redis(self) -> None:
        if _port_open(self.redis_port):
            subprocess.run(
                ["redis-cli", "-p", str(self.redis_port), "shutdown", "nosave"],
                capture_output=True,
                check=False,
            )
        _wait_for(lambda: not _port_open(self.redis_port), "Redis shutdown", within=10)

    # --- pgbouncer ------------------------------------------------------------------

    @staticmethod
    def bouncer_binary() -> str | None:
        return shutil.which("pgbouncer") or (
            "/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None
        )

    def start_bouncer(self, *, pool_size: int = 4) -> None:
        """pgbouncer in transaction pooling mode, in front of the drill PostgreSQL:
        the configuration docs/reliability.md recommends for production."""
        binary = self.bouncer_binary()
        if binary is None:
            raise ClusterError("pgbouncer is not installed (apt-get install pgbouncer)")
        if _port_open(self.bouncer_port):
            return
        folder = HOME / "pgbouncer"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "users.txt").write_text('"dealernet_app" ""\n"postgres" ""\n')
        (folder / "pgbouncer.ini").write_text(
            f"""[databases]
* = host=127.0.0.1 port={self.pg_port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.bouncer_port}
unix_socket_dir =
auth_type = trust
auth_file = {folder / "users.txt"}
admin_users = postgres
pool_mode = transaction
default_pool_size = {pool_size}
max_client_conn = 500
server_reset_query =
ignore_startup_parameters = extra_float_digits
logfile = {folder / "pgbouncer.log"}
pidfile = {folder / "pgbouncer.pid"}
"""
        )
        if os.geteuid() == 0:
            _run(["chown", "-R", "postgres:postgres", str(folder)])
        _run(_as_pg(binary, "-d", folder / "pgbouncer.ini"))
        _wait_for(lambda: _port_open(self.bouncer_port), "pgbouncer")

    def stop_bouncer(self) -> None:
        pid_file = HOME / "pgbouncer" / "pgbouncer.pid"
        if pid_file.exists() and _port_open(self.bouncer_port):
            os.kill(int(pid_file.read_text().strip()), 15)
        _wait_for(lambda: not _port_open(self.bouncer_port), "pgbouncer shutdown", within=10)

    # --- all ------------------------------------------------------------------------

    def stop_all(self) -> None:
        self.stop_bouncer()
        self.stop_redis()
        self.stop_postgres()

    def bouncer_stats(self, database: str) -> dict[str, int]:
        """pgbouncer's totals for ``database`` (its admin console's SHOW STATS)."""
        out = _run(
            _as_pg(
                _pg_bin() / "psql", "-h", "127.0.0.1", "-p", str(self.bouncer_port),
                "-U", "postgres",
                "-d", "pgbouncer", "-AF", "\t", "-c", "show stats",
            )
        )  # fmt: skip
        lines = [line.split("\t") for line in out.strip().splitlines()]
        header = lines[0]
        for row in lines[1:]:
            if row and row[0] == database:
                return {k: int(v) for k, v in zip(header[1:], row[1:], strict=False)}
        return {}

    def app_role_can_log_in(self) -> None:
        """The pooler logs in as the app role itself (see docs/reliability.md)."""
        self.psql(
            "do $$ begin if exists (select from pg_roles where rolname = 'dealernet_app')"
            " then alter role dealernet_app login;"
            " else create role dealernet_app login; end if; end $$"
        )

    def databases(self, like: str) -> list[str]:
        out = self.psql(f"select datname from pg_database where datname like '{like}'")
        return out.split()

    def drop_database(self, name: str) -> None:
        self.psql(
            f"select pg_terminate_backend(pid) from pg_stat_activity where datname = '{name}'"
        )
        self.psql(f'drop database if exists "{name}"')

    def create_database(self, name: str, template: str | None = None) -> None:
        """A fresh database, empty or a copy of ``template`` (dropped first: a drill
        starts from known state)."""
        self.drop_database(name)
        self.psql(f'create database "{name}"' + (f' template "{template}"' if template else ""))


def migrate(database_url: str) -> None:
    """The real migration command against ``database_url``, as ``make migrate`` runs it."""
    import sys

    env = {**os.environ, "DATABASE_URL": database_url, "DEALERNET_DB_AS_OWNER": "1"}
    env.pop("DEALERNET_POOLER_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "piccolo.main", "migrations", "forwards", "all"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise ClusterError(f"migrations failed: {done.stdout}{done.stderr}")
