"""A production-like installation on 127.0.0.1, built from the repository's own ``deploy/`` files.

    nginx (Debian's package)  deploy/nginx-qualityservice.conf rendered for loopback: TLS with a
       │                      throw-away certificate, the upstream listing the app servers
       ├── app server 1       gunicorn -c deploy/gunicorn.conf.py config.wsgi   (DEBUG=false)
       └── app server 2       the same, another port
    PostgreSQL                a cluster of its own: initdb in a temporary directory, a free port
    Redis                     a free port, no persistence: cache, sessions, rate limits, Celery broker
    worker 1, worker 2        celery -A config worker (as deploy/systemd/qualityservice-worker.service)
    beat                      celery -A config beat (exactly one)
    SMTP sink                 bench/drill/smtpsink.py: records every message it accepts (worker i → port i)

Every process is started in a session of its own and recorded (pid, port, log) in ``<dir>/state.json``;
``down`` signals exactly those pids (and their process groups: gunicorn's and Celery's children), after
checking that each pid still runs the command it was started with. Nothing listens beyond 127.0.0.1.

Used by ``scripts/scaleout.py up|down|status`` and by the drill (``bench/drill/run.py``).
"""

from __future__ import annotations

import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
VENV_BIN = ROOT / ".venv" / "bin"
PY = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
BIN = Path(PY).parent
HOST = "127.0.0.1"
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
NGINX = os.environ.get("NGINX", shutil.which("nginx") or "/usr/sbin/nginx")
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
DEFAULT_DIR = ROOT / "var" / "scaleout"


class TopologyError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def port_open(port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_until(predicate, timeout: float, what: str, interval: float = 0.2) -> float:
    """Poll ``predicate`` until it is true (returns the seconds waited) or ``timeout`` passes."""
    start = time.monotonic()
    while True:
        if predicate():
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise TopologyError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (our own child, not yet reaped) is not running
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def pid_runs(pid: int | None, token: str) -> bool:
    """``pid`` is alive and its command line contains ``token`` (a reused pid is never signalled)."""
    if not pid_alive(pid):
        return False
    try:
        return token in Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return False


# --- nginx: the production site file rendered for loopback --------------------------------------


def _sub_once(pattern: str, repl, text: str, what: str, count: int | None = 1, flags: int = re.M) -> str:
    new, n = re.subn(pattern, repl, text, flags=flags)
    if n == 0 or (count is not None and n != count):
        raise TopologyError(f"deploy/nginx-qualityservice.conf: expected {count or 'some'} {what}, found {n} — "
                            "keep the lines the loopback rendering replaces (see the file's header)")
    return new


def render_site(production: str, *, upstreams: list[int], https_port: int, http_port: int, cert: str, key: str,
                media_root: str) -> str:
    """The production site file with only its machine-specific lines replaced: the upstream's servers,
    the listen ports (bound to 127.0.0.1), server_name, the certificate, the redirect's port and the
    installation path of the public media. Every other directive — proxy headers, timeouts, the media
    rules, body size — is the production one."""
    text = production
    match = re.search(r"(upstream qualityservice_app \{\n)((?:[^}]*\n)*?)(\})", text)
    if not match:
        raise TopologyError("deploy/nginx-qualityservice.conf: no 'upstream qualityservice_app { … }' block")
    body = match.group(2)
    first = re.search(r"^\s*server\s+[^\s;]+([^;]*);", body, flags=re.M)
    if not first:
        raise TopologyError("deploy/nginx-qualityservice.conf: the upstream block lists no server")
    # The production server line's parameters (max_fails, fail_timeout) apply to every loopback server.
    params = first.group(1)
    rest = re.sub(r"^\s*#?\s*server\s+[^;]+;[^\n]*\n", "", body, flags=re.M)
    servers = "".join(f"    server {HOST}:{port}{params};\n" for port in upstreams)
    text = text[:match.start(2)] + servers + rest + text[match.end(2):]

    text = _sub_once(r"^(\s*)listen 80;", rf"\g<1>listen {HOST}:{http_port};", text, "'listen 80;'")
    text = _sub_once(r"^(\s*)listen 443 ssl( http2)?;", rf"\g<1>listen {HOST}:{https_port} ssl\g<2>;", text, "'listen 443 ssl …;'")
    text = _sub_once(r"^(\s*)server_name [^;]+;", rf"\g<1>server_name {HOST};", text, "server_name lines", count=2)
    text = _sub_once(r"https://\$host\$request_uri", f"https://$host:{https_port}$request_uri", text, "https redirect")
    text = _sub_once(r"^(\s*)ssl_certificate\s+[^;]+;", rf"\g<1>ssl_certificate     {cert};", text, "ssl_certificate")
    text = _sub_once(r"^(\s*)ssl_certificate_key\s+[^;]+;", rf"\g<1>ssl_certificate_key {key};", text, "ssl_certificate_key")
    text = _sub_once(r"/srv/qualityservice/var/media/", media_root.rstrip("/") + "/", text, "media path", count=None)
    if "/srv/qualityservice" in text:
        raise TopologyError("deploy/nginx-qualityservice.conf: an installation path is left that the loopback rendering does not know")
    return text


def render_main(prefix: Path, site: Path, as_root: bool) -> str:
    """nginx's main configuration for the drill (Debian's /etc/nginx/nginx.conf plays this part in
    production): its pid, logs and temporary files in ``prefix``; the access log records which app
    server answered each request (``$upstream_addr``)."""
    user = "user nobody nogroup;\n" if as_root else ""
    temp = "\n".join(f"    {kind}_temp_path {prefix / 'tmp' / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""# Generated by bench/drill/topology.py — do not edit.
{user}worker_processes 1;
pid {prefix / 'nginx.pid'};
error_log {prefix / 'logs' / 'error.log'} warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    keepalive_timeout 65;
    ssl_protocols TLSv1.2 TLSv1.3;
    log_format drill '$msec $status $request_method $uri "$upstream_addr" "$upstream_status" $request_time';
    access_log {prefix / 'logs' / 'access.log'} drill;
{temp}
    include {site};
}}
"""


# --- The installation --------------------------------------------------------------------------


class Topology:
    """The processes of one installation, with their state in ``<dir>/state.json``."""

    def __init__(self, directory: Path | str = DEFAULT_DIR):
        self.dir = Path(directory).resolve()
        self.state_file = self.dir / "state.json"
        self.state: dict = json.loads(self.state_file.read_text()) if self.state_file.exists() else {}

    # -- bookkeeping
    def save(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.state, indent=1))
        tmp.replace(self.state_file)

    @property
    def procs(self) -> dict:
        return self.state.setdefault("procs", {})

    def log(self, name: str) -> Path:
        return self.dir / "logs" / f"{name}.log"

    @property
    def as_root(self) -> bool:
        return os.geteuid() == 0

    # -- ports and environment
    def env(self, **extra: str) -> dict:
        """The environment of every application process: production settings (DEBUG off, the example
        environment's proxy trust), the installation's services. Nothing is inherited from the caller
        but PATH, HOME and the locale, so no development setting leaks in."""
        s = self.state
        base = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR")}
        site = f"https://{HOST}:{s['ports']['https']}"
        base.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            PYTHONUNBUFFERED="1",
            DEBUG="false",
            SECRET_KEY=s["secret_key"],
            ALLOWED_HOSTS=f"{HOST},localhost",
            CSRF_TRUSTED_ORIGINS=site,
            SITE_URL=site,
            DATABASE_URL=self.database_url(),
            REDIS_URL=f"redis://{HOST}:{s['ports']['redis']}/0",
            MEDIA_ROOT=str(self.dir / "media"),
            EMAIL_HOST=HOST,
            EMAIL_PORT=str(s["ports"]["smtp"][0]),
            EMAIL_USE_TLS="false",
            DEFAULT_FROM_EMAIL="后勤集团 <noreply@example.edu.cn>",
            # nginx sets X-Real-IP; it is believed only from nginx's address (deploy/qualityservice.env.example).
            RATELIMIT_IP_META_KEY="HTTP_X_REAL_IP",
            QS_TRUSTED_PROXIES=HOST,
            # The hashed, compressed static files (collectstatic) take ~2.5 minutes to build here and are not
            # what the drill tests: static files are served unhashed, as by bench/run.py.
            STATIC_MANIFEST="false",
            CELERY_BEAT_SCHEDULE_FILENAME=str(self.dir / "celerybeat-schedule"),
            LOG_LEVEL="WARNING",
            GUNICORN_WORKERS=str(s.get("gunicorn_workers", 2)),
            GUNICORN_THREADS="2",
        )
        base.update(extra)
        return base

    def database_url(self, user: str = "qs") -> str:
        s = self.state
        password = s["pg_password"] if user == "qs" else s["pg_admin_password"]
        db = "qualityservice" if user == "qs" else "postgres"
        return f"postgres://{user}:{password}@{HOST}:{s['ports']['pg']}/{db}"

    # -- process helpers
    def _spawn(self, name: str, cmd: list[str], env: dict, token: str, **info) -> int:
        self.dir.joinpath("logs").mkdir(parents=True, exist_ok=True)
        info["log_offset"] = self.log(name).stat().st_size if self.log(name).exists() else 0
        with open(self.log(name), "ab") as out:
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        self.procs[name] = {"pid": proc.pid, "group": True, "token": token, "started": time.time(), **info}
        self.save()
        return proc.pid

    def running(self, name: str) -> bool:
        p = self.procs.get(name)
        return bool(p) and pid_runs(p.get("pid"), p.get("token", ""))

    def send_signal(self, name: str, sig: int) -> None:
        """Send ``sig`` to the recorded process (and its group, for those started in a session of their own)."""
        p = self.procs.get(name)
        if not p or not pid_runs(p.get("pid"), p.get("token", "")):
            return
        try:
            if p.get("group"):
                os.killpg(p["pid"], sig)
            else:
                os.kill(p["pid"], sig)
        except ProcessLookupError:
            pass

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
        p = self.procs.get(name)
        if not p:
            return
        self.send_signal(name, sig)
        deadline = time.monotonic() + timeout
        while self.running(name) and time.monotonic() < deadline:
            _reap()
            time.sleep(0.1)
        if self.running(name):
            self.send_signal(name, signal.SIGKILL)
            time.sleep(0.2)
        if p.get("group"):  # leftovers of the group (a gunicorn or Celery child)
            try:
                os.killpg(p["pid"], signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        _reap()
        p["stopped"] = time.time()
        p["pid"] = None
        self.save()

    def kill(self, name: str) -> float:
        """SIGKILL the process and its children at once (a crashed machine); returns the time."""
        at = time.time()
        self.send_signal(name, signal.SIGKILL)
        wait_until(lambda: not self.running(name), 10, f"{name} to die")
        _reap()
        self.procs[name]["pid"] = None
        self.procs[name]["killed"] = at
        self.save()
        return at

    def _as_postgres(self, cmd: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *cmd] if self.as_root else cmd

    # -- up / down
    def up(self, *, app_servers: int = 2, workers: int = 2, gunicorn_workers: int = 2, seed: bool = True,
           smtp_delay_ms: int = 0) -> None:
        if self.state.get("procs") and any(self.running(n) for n in self.procs):
            raise TopologyError(f"{self.dir} is already up (scripts/scaleout.py down --dir {self.dir})")
        shutil.rmtree(self.dir / "logs", ignore_errors=True)
        for sub in ("logs", "media", "redis", "nginx"):
            (self.dir / sub).mkdir(parents=True, exist_ok=True)
        self.state = {
            "created": time.time(), "secret_key": secrets.token_urlsafe(48), "pg_password": secrets.token_hex(12),
            "pg_admin_password": secrets.token_hex(12), "gunicorn_workers": gunicorn_workers,
            "app_servers": app_servers, "workers": workers, "smtp_delay_ms": smtp_delay_ms,
            "ports": {"pg": free_port(), "redis": free_port(), "https": free_port(), "http": free_port(),
                      "smtp": [free_port() for _ in range(max(1, workers))], "apps": [free_port() for _ in range(app_servers)]},
            "procs": {},
        }
        self.save()
        try:
            self.start_postgres(init=True)
            self.start_redis()
            self.start_smtp()
            self.migrate(seed=seed)
            for i in range(app_servers):
                self.start_app(i + 1, wait=False)
            for i in range(workers):
                self.start_worker(i + 1, wait=False)
            self.start_beat()
            self.write_nginx()
            self.start_nginx()
            for i in range(app_servers):
                self.wait_app(i + 1)
            for i in range(workers):
                self.wait_worker(i + 1)
        except BaseException:
            self.down()
            raise

    def down(self) -> list[str]:
        stopped = []
        for name in ["nginx", "beat", *sorted(n for n in self.procs if n.startswith("worker")),
                     *sorted(n for n in self.procs if n.startswith("app")), "smtp", "redis", "postgres"]:
            if name not in self.procs:
                continue
            if self.running(name):
                stopped.append(name)
            if name == "postgres":
                self.stop_postgres()
            elif name == "nginx":
                self.stop("nginx", signal.SIGQUIT)
            else:
                self.stop(name)
        pgdir = self.state.get("pgdir")
        if pgdir and Path(pgdir).exists() and Path(pgdir).name.startswith("qs-scaleout-pg-"):
            if (Path(pgdir) / "postgres.log").exists():  # the server's log outlives its cluster
                shutil.copy(Path(pgdir) / "postgres.log", self.log("postgres"))
            shutil.rmtree(pgdir, ignore_errors=True)
        self.state["down"] = time.time()
        self.save()
        return stopped

    def status(self) -> dict:
        out = {}
        for name, p in self.procs.items():
            out[name] = {"running": self.running(name), "pid": p.get("pid"), **{k: p[k] for k in ("port",) if k in p}}
        return out

    # -- PostgreSQL: a cluster of its own in a temporary directory
    def start_postgres(self, init: bool = False) -> None:
        if init:
            pgdir = Path(tempfile.mkdtemp(prefix="qs-scaleout-pg-"))
            self.state["pgdir"] = str(pgdir)
            pwfile = pgdir / "pw"
            pwfile.write_text(self.state["pg_admin_password"] + "\n")
            if self.as_root:
                pg = pwd.getpwnam("postgres")
                os.chown(pgdir, pg.pw_uid, pg.pw_gid)
                os.chown(pwfile, pg.pw_uid, pg.pw_gid)
            os.chmod(pgdir, 0o700)
            self.save()
            _run(self._as_postgres([str(PG_BIN / "initdb"), "-D", str(pgdir / "data"), "-U", "postgres", "-E", "UTF8",
                                    "--locale=C.UTF-8", "--auth-local=trust", "--auth-host=scram-sha-256",
                                    f"--pwfile={pwfile}", "--no-sync"]), cwd=pgdir)
            pwfile.unlink()
            conf = pgdir / "data" / "postgresql.conf"
            with open(conf, "a") as f:
                f.write(f"\n# bench/drill/topology.py\nport = {self.state['ports']['pg']}\nlisten_addresses = '{HOST}'\n"
                        f"unix_socket_directories = '{pgdir}'\nmax_connections = 100\nlog_min_messages = warning\n")
        pgdir = Path(self.state["pgdir"])
        _run(self._as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(pgdir / "data"), "-l", str(pgdir / "postgres.log"),
                                "-w", "-t", "60", "start"]), cwd=pgdir)
        pid = int((pgdir / "data" / "postmaster.pid").read_text().split()[0])
        self.procs["postgres"] = {"pid": pid, "group": False, "token": "postgres", "port": self.state["ports"]["pg"],
                                  "started": time.time()}
        self.save()
        if init:
            import psycopg

            with psycopg.connect(self.database_url("postgres"), autocommit=True) as conn:
                conn.execute(f"CREATE ROLE qs LOGIN PASSWORD '{self.state['pg_password']}'")
                conn.execute("CREATE DATABASE qualityservice OWNER qs")

    def stop_postgres(self) -> None:
        """A fast shutdown (what a restart or a failover does): active connections are terminated."""
        pgdir = self.state.get("pgdir")
        p = self.procs.get("postgres")
        if not pgdir or not p or not self.running("postgres"):
            return
        try:
            _run(self._as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(Path(pgdir) / "data"), "-m", "fast", "-w", "-t", "60",
                                    "stop"]), cwd=pgdir)
        except TopologyError:
            self.stop("postgres", signal.SIGINT)
        p["pid"] = None
        p["stopped"] = time.time()
        self.save()

    # -- Redis
    def start_redis(self) -> None:
        port = self.state["ports"]["redis"]
        pidfile = self.dir / "redis" / "redis.pid"
        pidfile.unlink(missing_ok=True)
        _run([REDIS, "--bind", HOST, "--port", str(port), "--daemonize", "yes", "--pidfile", str(pidfile),
              "--dir", str(self.dir / "redis"), "--save", "", "--appendonly", "no", "--logfile", str(self.log("redis"))])
        wait_until(lambda: pidfile.exists() and pidfile.read_text().strip().isdigit() and port_open(port), 20, "redis")
        self.procs["redis"] = {"pid": int(pidfile.read_text()), "group": False, "token": "redis-server", "port": port,
                               "started": time.time()}
        self.save()

    def stop_redis(self) -> None:
        self.stop("redis", signal.SIGTERM)

    # -- SMTP sink
    def start_smtp(self) -> None:
        ports = self.state["ports"]["smtp"]
        self._spawn("smtp", [PY, str(ROOT / "bench" / "drill" / "smtpsink.py"), "--ports", ",".join(map(str, ports)),
                             "--log", str(self.dir / "mail.jsonl"), "--rcpt-delay-ms", str(self.state.get("smtp_delay_ms", 0))],
                    {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}, "smtpsink.py", port=ports)
        wait_until(lambda: all(port_open(p) for p in ports), 20, "the SMTP sink")

    # -- the application
    def manage(self, *args: str, capture: bool = False) -> str:
        proc = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=self.env(), text=True, capture_output=True)
        if proc.returncode:
            raise TopologyError(f"manage.py {' '.join(args)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
        return proc.stdout if capture else ""

    def migrate(self, seed: bool) -> None:
        self.manage("migrate", "--noinput", "-v0")
        if seed:
            self.manage("seed_demo")

    def start_app(self, i: int, wait: bool = True) -> None:
        port = self.state["ports"]["apps"][i - 1]
        name = f"app{i}"
        env = self.env(GUNICORN_BIND=f"{HOST}:{port}", GUNICORN_PIDFILE=str(self.dir / f"{name}.pid"),
                       GUNICORN_CONTROL_SOCKET=str(self.dir / f"{name}.ctl"))
        self._spawn(name, [str(BIN / "gunicorn"), "-c", str(DEPLOY / "gunicorn.conf.py"), "config.wsgi"], env, "gunicorn",
                    port=port)
        if wait:
            self.wait_app(i)

    def wait_app(self, i: int, timeout: float = 90) -> float:
        port = self.state["ports"]["apps"][i - 1]
        name = f"app{i}"

        def ready() -> bool:
            if not self.running(name):
                raise TopologyError(f"{name} exited:\n" + _tail(self.log(name)))
            return _http_ok(port)

        return wait_until(ready, timeout, f"{name} on port {port}")

    def start_worker(self, i: int, wait: bool = True) -> None:
        name = f"worker{i}"
        smtp = self.state["ports"]["smtp"][(i - 1) % len(self.state["ports"]["smtp"])]
        # As deploy/systemd/qualityservice-worker.service, with a node name of its own (two on one host).
        self._spawn(name, [str(BIN / "celery"), "-A", "config", "worker", "--loglevel=INFO", "--concurrency=1",
                           "-n", f"{name}@%h"], self.env(EMAIL_PORT=str(smtp)), "celery", smtp_port=smtp)
        if wait:
            self.wait_worker(i)

    def wait_worker(self, i: int, timeout: float = 90) -> float:
        name = f"worker{i}"
        log = self.log(name)
        offset = self.procs[name].get("log_offset", 0)

        def ready() -> bool:  # Celery prints "<name>@<host> ready." once it consumes
            if not self.running(name):
                raise TopologyError(f"{name} exited:\n" + _tail(log))
            with open(log, "rb") as f:
                f.seek(offset)
                return b" ready." in f.read()

        return wait_until(ready, timeout, name)

    def start_beat(self) -> None:
        # As deploy/systemd/qualityservice-beat.service.
        self._spawn("beat", [str(BIN / "celery"), "-A", "config", "beat", "--loglevel=INFO",
                             f"--schedule={self.dir / 'celerybeat-schedule'}"], self.env(), "celery")

    # -- nginx
    def write_nginx(self) -> Path:
        prefix = self.dir / "nginx"
        for sub in ("logs", "tmp"):
            (prefix / sub).mkdir(parents=True, exist_ok=True)
        cert, key = prefix / "cert.pem", prefix / "key.pem"
        if not cert.exists():
            _run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                  "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", f"/CN={HOST}",
                  "-addext", f"subjectAltName=IP:{HOST}"])
        ports = self.state["ports"]
        site = prefix / "site.conf"
        site.write_text(render_site((DEPLOY / "nginx-qualityservice.conf").read_text(), upstreams=ports["apps"],
                                    https_port=ports["https"], http_port=ports["http"], cert=str(cert), key=str(key),
                                    media_root=str(self.dir / "media")))
        main = prefix / "nginx.conf"
        main.write_text(render_main(prefix, site, self.as_root))
        if self.as_root:
            nobody = pwd.getpwnam("nobody")
            for path in [prefix / "tmp", *(prefix / "tmp").iterdir()]:
                os.chown(path, nobody.pw_uid, nobody.pw_gid)
        self.state["cert"] = str(cert)
        self.save()
        return main

    def start_nginx(self) -> None:
        prefix = self.dir / "nginx"
        pidfile = prefix / "nginx.pid"
        pidfile.unlink(missing_ok=True)
        conf = str(prefix / "nginx.conf")
        _run([NGINX, "-t", "-q", "-p", str(prefix), "-c", conf])
        _run([NGINX, "-p", str(prefix), "-c", conf])  # daemonises; the master's pid goes to the pid file
        wait_until(lambda: pidfile.exists() and pidfile.read_text().strip().isdigit(), 20, "nginx")
        self.procs["nginx"] = {"pid": int(pidfile.read_text()), "group": False, "token": "nginx", "port": self.state["ports"]["https"],
                               "started": time.time()}
        self.save()
        wait_until(lambda: port_open(self.state["ports"]["https"]), 20, "nginx's port")

    def cpu(self) -> dict[str, float]:
        """CPU seconds used so far per component (app servers, workers summed): see ``cpu_seconds``."""
        groups = {name: p.get("pid") for name, p in self.procs.items()}
        per = cpu_seconds(groups)
        out: dict[str, float] = {}
        for name, seconds in per.items():
            key = re.sub(r"\d+$", "", name)
            out[key] = out.get(key, 0.0) + seconds
        return out

    @property
    def https_port(self) -> int:
        return self.state["ports"]["https"]


def cpu_seconds(groups: dict[str, int]) -> dict[str, float]:
    """CPU time (user + system, seconds) used so far by each component ``{name: leader pid}``: the leader,
    every live process of its group or child of it (PostgreSQL's backends each have a session of their own),
    plus what their exited children used (the cumulative times)."""
    tick = os.sysconf("SC_CLK_TCK")
    wanted = {pgid: name for name, pgid in groups.items() if pgid}
    out = dict.fromkeys(groups, 0.0)
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime
        name = wanted.get(int(fields[2])) or wanted.get(int(fields[1])) or wanted.get(int(entry.name))
        if name is not None:
            out[name] += sum(int(v) for v in fields[11:15]) / tick
    return out


def _http_ok(port: int) -> bool:
    """The app server answers a GET of the home page as nginx would send it (https, client address)."""
    import http.client

    try:
        conn = http.client.HTTPConnection(HOST, port, timeout=5)
        conn.request("GET", "/", headers={"Host": HOST, "X-Forwarded-Proto": "https", "X-Real-IP": HOST})
        status = conn.getresponse().status
        conn.close()
        return status == 200
    except OSError:
        return False


def _run(cmd: list[str], cwd: Path | str | None = None) -> str:
    proc = subprocess.run(cmd, cwd=cwd or ROOT, text=True, capture_output=True, stdin=subprocess.DEVNULL)
    if proc.returncode:
        raise TopologyError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return proc.stdout


def _tail(path: Path, size: int = 3000) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(max(0, f.seek(0, 2) - size))
            return f.read().decode(errors="replace")
    except OSError:
        return ""


def _reap() -> None:
    """Collect our exited children (the processes spawned by this process), so they are not zombies."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
