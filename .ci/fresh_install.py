"""Fresh-install smoke test: `pip install .` WITHOUT extras into a new venv, then use it.

The test suite runs with the test extras installed, which pull in packages the product does not
declare; this catches what only a plain install shows. Steps:

1. a new venv in a temp dir; ``pip install -c requirements/lock.txt .`` (no extras); check that no
   test-only package came along;
2. every engine's CLI command on tiny inputs written here (``db upgrade``, ``demo load``,
   ``document mrz``, ``offers check``, ``offers scan``, ``watchlist match``, ``identity dedupe``,
   ``identity link``), checking exit codes and outputs;
3. ``waspada serve`` on a free loopback port; sign in as the demo users and use every page that
   runs an engine, expecting 200/303 and no traceback;
4. optionally (``--fuzz``) schemathesis against that same server with a token of every role
   (``tests/security/test_schemathesis.py``, run by the calling interpreter, which has the
   test extras).

With ``--second-database`` (CI's PostgreSQL pass, after the SQLite one) the first pass's venv is
reused as installed and only the CLI commands that open the database run again; the engines' file
commands run in the first pass against an unreachable database, which proves they never open one.

Usage: ``.venv/bin/python .ci/fresh_install.py [--database-url URL] [--fuzz]`` (default: a
temporary SQLite database). Exit status 0 on success; the first failure is printed.
"""

from __future__ import annotations

import argparse
import csv
import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements" / "lock.txt"
TEST_ONLY = ("pytest", "xdist", "hypothesis", "recordlinkage", "pyspark", "playwright",
             "schemathesis")
MRZ = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
       "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
RISKY = ("Lowongan kerja admin di Kamboja gaji 15 juta, tiket dan visa ditanggung, tanpa "
         "pengalaman, langsung berangkat minggu ini. Hubungi WA +855 12 345 678 atau "
         "t.me/rekrut_cepat")
PEOPLE = [  # (record_id, full_name, birth_date, sex, nik)
    ("1", "Siti Rahmawati", "1995-03-14", "F", "3507115403950001"),
    ("2", "Siti Rachmawati", "1995-03-14", "F", "3507115403950001"),
    ("3", "Budi Santoso", "1990-07-01", "M", "3273010107900002"),
    ("4", "Budi Santosa", "1990-07-01", "M", "3273010107900002"),
    ("5", "Dewi Lestari", "1988-11-23", "F", "3174066311880003"),
    ("6", "Agus Setiawan", "1992-02-02", "M", "3578010202920004"),
    ("7", "Rina Marlina", "1999-09-09", "F", "3201014909990005"),
    ("8", "Ahmad Fauzi", "1985-05-05", "M", "1271010505850006"),
    ("9", "Ahmad Fauzy", "1985-05-05", "M", "1271010505850006"),
    ("10", "Putu Ayu Wulandari", "1997-12-30", "F", "5171017012970007"),
    ("11", "Yohanes Manurung", "1993-04-18", "M", "1207011804930008"),
    ("12", "Nur Aini", "2000-01-10", "F", "3309015001000009"),
]


# port 9 (discard) on loopback: nothing answers, so any connection attempt fails at once
UNREACHABLE_DATABASE = "postgresql+psycopg://nobody:none@127.0.0.1:9/none"


class Failure(RuntimeError):
    pass


def step(message: str) -> None:
    print(f"-- {message}", flush=True)


def run(cmd: list[str], env: dict[str, str], *, expect: int = 0, timeout: float = 300
        ) -> subprocess.CompletedProcess[str]:
    started = time.monotonic()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True,  # noqa: S603 (ours)
                          timeout=timeout, check=False)
    shown = " ".join(Path(c).name if c.startswith("/") and i == 0 else c
                     for i, c in enumerate(cmd)).replace("\n", "; ")
    print(f"   {shown[:110]}  -> exit {proc.returncode} ({time.monotonic() - started:.1f} s)",
          flush=True)
    if proc.returncode != expect or "Traceback" in proc.stdout + proc.stderr:
        raise Failure(f"{shown}: exit {proc.returncode}, expected {expect}\n"
                      f"stdout: {proc.stdout[-2000:]}\nstderr: {proc.stderr[-2000:]}")
    return proc


def write_people(path: Path, rows: list[tuple[str, str, str, str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["record_id", "full_name", "birth_date", "sex", "nik"])
        writer.writerows(rows)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def install(venv: Path, *, reinstall: bool = True) -> Path:
    step("fresh venv, pip install . (no extras)")
    env = dict(os.environ)
    if (venv / "bin" / "waspada").exists():  # --venv: reuse an earlier fresh install
        if not reinstall:  # --second-database: the same source was installed by the first pass
            step(f"reusing {venv} as installed (same source)")
            return venv / "bin" / "waspada"
        run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps",
             "--force-reinstall", str(ROOT)], env, timeout=900)
        return venv / "bin" / "waspada"
    run([sys.executable, "-m", "venv", str(venv)], env)
    python = venv / "bin" / "python"
    # uv (a test extra) installs the same locked wheels ~5x faster than pip; pip otherwise
    has_uv = subprocess.run([sys.executable, "-m", "uv", "--version"], capture_output=True,
                            check=False).returncode == 0
    installer = ([sys.executable, "-m", "uv", "pip", "install", "--python", str(python)]
                 if has_uv else [str(python), "-m", "pip", "install"])
    run([*installer, "-q", "-c", str(LOCK), str(ROOT)], env, timeout=900)
    probe = ("import importlib.util, sys; "
             f"found = [m for m in {TEST_ONLY!r} if importlib.util.find_spec(m)]; "
             "sys.exit('test-only packages installed: ' + ', '.join(found) if found else 0)")
    run([str(python), "-c", probe], env)
    return venv / "bin" / "waspada"


def cli_smoke(waspada: Path, work: Path, env: dict[str, str], *,
              database_only: bool = False) -> None:
    """Every CLI command on tiny inputs; with ``database_only`` just the ones that open the
    database (the engines' file commands below never do: they read and write files only)."""
    step("CLI on tiny inputs" + (" (the commands that open the database)" if database_only
                                 else ""))
    w = str(waspada)
    run([w, "db", "upgrade"], env)
    run([w, "demo", "load"], env)
    run([w, "demo", "load"], env)  # idempotent
    out = json.loads(run([w, "offers", "verdicts", "--json"], env).stdout)
    if not isinstance(out, dict) or set(out.get("counts", {})) != {"low", "medium", "high"}:
        raise Failure(f"offers verdicts: unexpected output {out!r:.300}")
    out = json.loads(run([w, "identity", "verdicts", "--json"], env).stdout)
    if not isinstance(out, dict) or set(out) != {"decided", "unscored", "clusters", "pairs"}:
        raise Failure(f"identity verdicts: unexpected output {out!r:.300}")
    # an Ed25519 checkpoint, verified with the public key alone
    key, public, store = work / "checkpoint.pem", work / "checkpoint.pub.pem", work / "cp.jsonl"
    key.unlink(missing_ok=True)
    public.write_text(run([w, "audit", "checkpoint-key", str(key)], env).stdout)
    store.write_text(run([w, "audit", "checkpoint", "--signing-key", str(key)], env).stdout)
    verified = run([w, "audit", "verify", "--checkpoints", str(store), "--public-key",
                    str(public)], env).stdout
    if "1 checkpoints match" not in verified:
        raise Failure(f"audit verify --public-key: unexpected output {verified!r:.300}")
    if database_only:
        return
    # the file commands run against a database nobody listens on, so that a file command that
    # starts opening the database fails here instead of silently skipping that database's check
    env = dict(env, WASPADA_DATABASE_URL=UNREACHABLE_DATABASE)

    out = json.loads(run([w, "document", "mrz", *MRZ, "--json"], env).stdout)
    if not isinstance(out, dict) or "ERIKSSON" not in json.dumps(out):
        raise Failure(f"document mrz: unexpected output {out!r:.300}")

    out = json.loads(run([w, "offers", "check", RISKY, "--json"], env).stdout)
    if out.get("level") != "high":
        raise Failure(f"offers check: expected level high, got {out.get('level')!r}")

    posts = work / "posts.jsonl"
    posts.write_text(json.dumps({"id": "p1", "text": RISKY}) + "\n"
                     + json.dumps({"id": "p2", "text": "Dicari kasir toko di Bandung"}) + "\n",
                     encoding="utf-8")
    scanned = work / "scanned.jsonl"
    run([w, "offers", "scan", str(posts), "--output", str(scanned)], env)
    rows = [json.loads(line) for line in scanned.read_text(encoding="utf-8").splitlines()]
    if [r["id"] for r in rows] != ["p1", "p2"] or rows[0]["level"] != "high":
        raise Failure(f"offers scan: unexpected output {rows!r:.300}")

    watchlist = write_people(work / "watchlist.csv", PEOPLE[::2])
    queries = write_people(work / "queries.csv",
                           [("q1", "Siti Rachmawati", "1995-03-14", "F", ""),
                            ("q2", "Zzyzx Qwerty", "", "", "")])
    results = work / "results.csv"
    run([w, "watchlist", "match", "--watchlist", str(watchlist), "--queries", str(queries),
         "--output", str(results), "--top", "3"], env)
    hits = read_csv(results)
    if not hits or hits[0]["query_id"] != "q1" or hits[0]["record_id"] != "1":
        raise Failure(f"watchlist match: unexpected output {hits!r:.300}")

    people = write_people(work / "people.csv", PEOPLE)
    clusters = work / "clusters.csv"
    run([w, "identity", "dedupe", str(people), "--output", str(clusters)], env)
    rows = read_csv(clusters)
    if len(rows) != len(PEOPLE) or set(rows[0]) != {"record_id", "cluster_id"}:
        raise Failure(f"identity dedupe: unexpected output {rows!r:.300}")

    left = write_people(work / "left.csv", PEOPLE[:6])
    right = write_people(work / "right.csv", [(f"r{r[0]}", *r[1:]) for r in PEOPLE[1:8]])
    pairs = work / "pairs.csv"
    run([w, "identity", "link", str(left), str(right), "--output", str(pairs)], env)
    rows = read_csv(pairs)
    if not rows or set(rows[0]) != {"left_id", "right_id", "probability"}:
        raise Failure(f"identity link: unexpected output {rows!r:.300}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Browser:
    """A cookie-keeping client that does not follow redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  NoRedirect())

    def csrf(self) -> str:
        return next((c.value or "" for c in self.jar if c.name == "waspada_csrf"), "")

    def request(self, method: str, path: str, *, form: dict[str, str] | None = None,
                file: tuple[str, str, bytes] | None = None) -> tuple[int, str, str]:
        headers: dict[str, str] = {}
        data = None
        if file is not None:
            boundary = uuid.uuid4().hex
            parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n'
                     f"{v}\r\n".encode() for k, v in (form or {}).items()]
            field, filename, content = file
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
                         f'filename="{filename}"\r\nContent-Type: application/octet-stream'
                         f"\r\n\r\n".encode() + content + b"\r\n")
            data = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        req = urllib.request.Request(self.base + path, data=data,  # noqa: S310 (loopback http)
                                     method=method, headers=headers)
        try:
            with self.opener.open(req, timeout=300) as resp:
                return resp.status, resp.read().decode("utf-8", "replace"), ""
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace"), exc.headers.get("location", "")

    def expect(self, method: str, path: str, statuses: tuple[int, ...] = (200, 303),
               **kwargs: object) -> tuple[int, str, str]:
        started = time.monotonic()
        status, body, location = self.request(method, path, **kwargs)  # type: ignore[arg-type]
        print(f"   {method} {path} -> {status} ({time.monotonic() - started:.1f} s)", flush=True)
        if status not in statuses or "Traceback" in body:
            raise Failure(f"{method} {path}: status {status}, expected {statuses}\n{body[:1500]}")
        return status, body, location

    def sign_in(self, username: str) -> Browser:
        self.expect("GET", "/login")
        self.expect("POST", "/login", (303,), form={
            "username": username, "password": f"Demo-{username}-2026",
            "csrf_token": self.csrf(), "next": "/"})
        return self


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise Failure(f"waspada serve exited with {server.returncode}")
        try:
            with urllib.request.urlopen(base + "/login", timeout=2):  # noqa: S310 (loopback)
                return
        except OSError:
            time.sleep(0.3)
    raise Failure("waspada serve did not answer within 60 s")


def page_smoke(base: str) -> None:
    step("pages that run an engine")
    public = Browser(base)
    public.expect("GET", "/cek-lowongan")
    public.expect("POST", "/cek-lowongan", form={"text": RISKY, "csrf_token": public.csrf()})

    officer = Browser(base).sign_in("petugas.tpi")
    officer.expect("GET", "/documents")
    _, body, _ = officer.expect("POST", "/documents", form={"mrz": "\n".join(MRZ),
                                                           "csrf_token": officer.csrf()})
    if "L898902C3" not in body:
        raise Failure("documents page: the checked passport number is not shown")
    officer.expect("GET", "/watchlist/search")
    officer.expect("POST", "/watchlist/search", form={
        "full_name": "Siti Rahmawati", "birth_date": "1995-03-14", "csrf_token": officer.csrf()})
    officer.expect("GET", "/screenings")
    _, _, location = officer.expect("POST", "/screenings", (303,), form={
        "kind": "departure", "mrz": "\n".join(MRZ), "destination_country": "KHM",
        "stated_purpose": "tourism", "offer_text": RISKY, "csrf_token": officer.csrf()})
    if location:
        officer.expect("GET", urllib.parse.urlsplit(location).path)
    officer.expect("GET", "/cases")

    analyst = Browser(base).sign_in("analis")
    analyst.expect("GET", "/offers/scan")
    posts = (json.dumps({"id": "p1", "text": RISKY}) + "\n").encode()
    _, _, location = analyst.expect("POST", "/offers/scan", (303,), form={
        "csrf_token": analyst.csrf()}, file=("upload", "posts.jsonl", posts))
    body = follow_job(analyst, location)
    if "p1" not in body:
        raise Failure("offers scan job: the scanned post is not in its results")
    analyst.expect("GET", "/dedupe")
    people = "record_id,full_name,birth_date,sex,nik\n" + "".join(
        ",".join(row) + "\n" for row in PEOPLE)
    _, _, location = analyst.expect("POST", "/dedupe/run", (303,), form={
        "origin": "upload", "threshold": "0.5", "csrf_token": analyst.csrf()},
        file=("file", "people.csv", people.encode()))
    body = follow_job(analyst, location)
    run = re.search(r'href="(/dedupe/runs/\d+)"', body)
    if run is None:
        raise Failure("dedupe job: no link to its run's review")
    analyst.expect("GET", run.group(1))

    protection = Browser(base).sign_in("pelindungan")
    protection.expect("GET", "/cases")
    protection.expect("GET", "/cases/new")


def follow_job(browser: Browser, location: str, timeout: float = 300) -> str:
    """A page that started a background job redirected to it: wait (as the page's script does,
    polling its status) until it ends, and answer the finished job's page."""
    path = urllib.parse.urlsplit(location).path
    if not re.fullmatch(r"/jobs/\d+", path):
        raise Failure(f"expected a redirect to a job page, got {location!r}")
    deadline = time.monotonic() + timeout
    while True:
        _, body, _ = browser.expect("GET", path + "/status", (200,))
        status = json.loads(body)
        if status.get("finished"):
            break
        if time.monotonic() > deadline:
            raise Failure(f"job {path} did not finish within {timeout:.0f} s: {status}")
        time.sleep(0.5)
    if status.get("status") != "done":
        raise Failure(f"job {path} ended {status.get('status')!r}: {status.get('problem')}")
    return browser.expect("GET", path, (200,))[1]


def fuzz(base: str, waspada: Path, env: dict[str, str]) -> None:
    step("schemathesis against this server, a token of every role")
    # one process for all six (each `waspada users token` start-up costs seconds)
    script = (
        "import json\n"
        "from waspada.demo.synthetic import DEMO_ACCOUNTS\n"
        "from waspada.platform.db import session_scope\n"
        "from waspada.platform.security import auth\n"
        "from waspada.platform.security.users import find_user\n"
        "tokens = {}\n"
        "with session_scope() as session:\n"
        "    for username, role, _unit, _name in DEMO_ACCOUNTS:\n"
        "        tokens[role] = auth.create_api_token(session, find_user(session, username),"
        " 'ci-fuzz', scope='full')[1]\n"
        "print(json.dumps(tokens))\n")
    python = waspada.parent / "python"
    tokens = json.loads(run([str(python), "-c", script], env).stdout)
    if len(tokens) != 6 or not all(t.startswith("wsp_") for t in tokens.values()):
        raise Failure(f"expected a token for each of the six roles, got {sorted(tokens)}")
    fuzz_env = dict(os.environ, WASPADA_FUZZ_BASE_URL=base, WASPADA_FUZZ_TOKENS=json.dumps(tokens))
    fuzz_env.pop("WASPADA_DATABASE_URL", None)
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider",
                           "tests/security/test_schemathesis.py"], cwd=ROOT, env=fuzz_env,
                          check=False)
    print(f"   schemathesis: exit {proc.returncode} ({time.monotonic() - started:.1f} s)")
    if proc.returncode != 0:
        raise Failure("schemathesis found failures (above)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="SQLAlchemy URL (default: temporary SQLite)")
    parser.add_argument("--fuzz", action="store_true", help="also run schemathesis")
    parser.add_argument("--venv", help="reuse this earlier fresh venv (while developing)")
    parser.add_argument("--second-database", action="store_true",
                        help="a second pass on another database with the --venv of a first "
                             "pass over the same source: no reinstall, and only the CLI "
                             "commands that open the database")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir")
    args = parser.parse_args()
    if args.second_database and not args.venv:
        parser.error("--second-database needs the first pass's --venv")
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="waspada-fresh-"))
    server = None
    try:
        waspada = install(Path(args.venv) if args.venv else tmp / "venv",
                          reinstall=not args.second_database)
        work = tmp / "work"
        work.mkdir()
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("WASPADA_", "PYTHONPATH", "VIRTUAL_ENV"))}
        env.update(WASPADA_DATA_DIR=str(tmp / "data"), WASPADA_LOG_LEVEL="WARNING")
        if args.database_url:
            env["WASPADA_DATABASE_URL"] = args.database_url
        cli_smoke(waspada, work, env, database_only=args.second_database)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        step(f"waspada serve on {base}")
        log = (tmp / "serve.log").open("wb")
        server = subprocess.Popen([str(waspada), "serve",  # noqa: S603 (our own server) "--host", "127.0.0.1",
                                   "--port", str(port)], env=env, stdout=log, stderr=log)
        wait_up(base, server)
        page_smoke(base)
        if args.fuzz:
            # the fuzzer's requests start real jobs (an HTCDS export of every demo case per
            # example); a server without job workers answers the same API and leaves them
            # queued, so the fuzz measures the API, not the worker (the pages' jobs ran above)
            server.terminate()
            server.wait(timeout=30)
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            step(f"waspada serve on {base} without job workers, for the fuzzer")
            server = subprocess.Popen([str(waspada), "serve",  # noqa: S603 (our own server)
                                       "--host", "127.0.0.1", "--port", str(port)],
                                      env=dict(env, WASPADA_JOB_WORKERS="0"), stdout=log,
                                      stderr=log)
            wait_up(base, server)
            fuzz(base, waspada, env)
        log.flush()
        server_log = (tmp / "serve.log").read_text(encoding="utf-8", errors="replace")
        if "Traceback" in server_log:
            raise Failure("the server logged a traceback:\n" + server_log[-3000:])
    except (Failure, subprocess.TimeoutExpired) as exc:
        print(f"FRESH INSTALL FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"fresh install OK in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
