#!/usr/bin/env python3
"""Reruns the attacks of "holding under abuse and faults" against a built `aimsgap` binary.

Each attack starts its own server on a free port with a fresh database, runs for a bounded
count and time, and prints one line: `held` or `NOT held`, the attack's name, and the figures
it measured. The exit status is 1 when any line is NOT held. Python 3 standard library only;
PostgreSQL checks go through `psql`.

Usage: python3 bench/reliability.py --bin target/release/aimsgap [--pg postgres://U:P@HOST:PORT]
       [--only NAME,NAME] [--keep]
(bench/reliability.sh builds the binary and finds PostgreSQL.)

Measurement notes, so the figures can be read honestly:
- Latency probes (/healthz, a signed-in API read) run in their own process, on a fresh
  connection each, so the attack's client work does not delay them in the same event loop; the
  client and the server share this machine's cores all the same.
- Memory is the server process's VmRSS sampled every 50 ms and its VmHWM (peak) at the end.
- A probe that gets no answer counts with its full timeout and as a failure.
"""

import argparse
import asyncio
import json
import math
import os
import re
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse

PASSWORD = "correct horse battery staple"
ORIGINAL_NOFILE = resource.getrlimit(resource.RLIMIT_NOFILE)

# ---- small HTTP/1.1 client ----------------------------------------------------------------


class Resp:
    def __init__(self, status, headers, body, error=None):
        self.status = status
        self.headers = headers
        self.body = body
        self.error = error

    def header(self, name):
        values = self.headers.get(name.lower())
        return values[0] if values else None

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return None

    def cookie(self, name):
        for value in self.headers.get("set-cookie", []):
            pair = value.split(";", 1)[0]
            key, _, val = pair.partition("=")
            if key.strip() == name:
                return val.strip()
        return None


async def read_response(reader, method):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if line:
            key, _, value = line.partition(":")
            headers.setdefault(key.strip().lower(), []).append(value.strip())
    body = b""
    if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
        pass
    elif "chunked" in ",".join(headers.get("transfer-encoding", [])).lower():
        parts = []
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size = int(size_line.split(b";")[0].strip(), 16)
            if size == 0:
                while (await reader.readuntil(b"\r\n")) != b"\r\n":
                    pass
                break
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        body = b"".join(parts)
    elif "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"][0]))
    else:
        body = await reader.read()
    return Resp(status, headers, body)


def request_bytes(method, path, headers, body, keep_alive=False):
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    for key, value in (headers or {}).items():
        lines.append(f"{key}: {value}")
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    lines.append("Connection: keep-alive" if keep_alive else "Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


async def http(port, method, path, headers=None, body=None, source=None, timeout=60.0):
    """One request on a fresh connection; a network failure or timeout is status 0."""

    async def go():
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", port, local_addr=(source, 0) if source else None, limit=1 << 20
        )
        try:
            writer.write(request_bytes(method, path, headers, body))
            await writer.drain()
            return await read_response(reader, method)
        finally:
            writer.close()

    try:
        return await asyncio.wait_for(go(), timeout)
    except asyncio.TimeoutError:
        return Resp(0, {}, b"", "timeout")
    except (OSError, asyncio.IncompleteReadError, ValueError, IndexError, asyncio.LimitOverrunError) as e:
        return Resp(0, {}, b"", type(e).__name__)


class KeepAlive:
    """A connection reused for requests in sequence, reopened when the server closes it."""

    def __init__(self, port, source=None):
        self.port, self.source = port, source
        self.reader = self.writer = None

    async def request(self, method, path, headers=None, body=None, timeout=60.0):
        for _ in range(2):
            try:
                if self.writer is None:
                    self.reader, self.writer = await asyncio.wait_for(
                        asyncio.open_connection(
                            "127.0.0.1", self.port,
                            local_addr=(self.source, 0) if self.source else None,
                        ),
                        timeout,
                    )
                self.writer.write(request_bytes(method, path, headers, body, keep_alive=True))
                await self.writer.drain()
                resp = await asyncio.wait_for(read_response(self.reader, method), timeout)
                if (resp.header("connection") or "").lower() == "close":
                    self.close()
                return resp
            except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError, IndexError):
                self.close()
        return Resp(0, {}, b"", "connection")

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def shown(resp):
    """A status for the figures: the code, or how the server failed to give one."""
    if resp.status:
        return str(resp.status)
    return "no answer in time" if resp.error == "timeout" else f"connection dropped ({resp.error})"


def json_headers(token=None, cookie=None, csrf=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if cookie:
        headers["Cookie"] = cookie
    if csrf:
        headers["X-CSRF-Token"] = csrf
    return headers


async def api(port, method, path, payload=None, token=None, source=None, timeout=60.0):
    body = None if payload is None else json.dumps(payload).encode("utf-8")
    return await http(port, method, path, json_headers(token), body, source=source, timeout=timeout)


async def signup(port, email, source=None, timeout=120.0):
    body = json.dumps({"email": email, "name": "Bench", "password": PASSWORD}).encode()
    return await http(port, "POST", "/api/v1/signup", json_headers(), body, source=source, timeout=timeout)


async def login(port, email, password, source=None, timeout=60.0):
    body = json.dumps({"email": email, "password": password}).encode()
    return await http(port, "POST", "/api/v1/login", json_headers(), body, source=source, timeout=timeout)


class Setup(Exception):
    """A step that prepares an attack failed; the line says which and the attack is NOT held."""


def need(resp, status, what):
    if resp.status != status:
        raise Setup(f"{what}: expected {status}, got {resp.status or resp.error} {resp.body[:200]!r}")
    return resp


async def account(port, email):
    """Signs up and creates an API token: (user id, token)."""
    resp = need(await signup(port, email), 201, f"sign-up of {email}")
    session = resp.json()
    cookie = f"aimsgap_session={resp.cookie('aimsgap_session')}"
    body = json.dumps({"name": "bench"}).encode()
    made = need(
        await http(port, "POST", "/api/v1/tokens", json_headers(cookie=cookie, csrf=session["csrf"]), body),
        201, "token creation",
    )
    return session["user"]["id"], made.json()["token"]


async def organisation(port, token, name="Bench org"):
    resp = need(await api(port, "POST", "/api/v1/orgs", {"name": name}, token), 201, "organisation creation")
    return resp.json()["id"]


async def import_text(port, token, org, content, name="bench"):
    return await api(port, "POST", f"/api/v1/orgs/{org}/assessments", {"name": name, "content": content}, token)


# ---- measurement ----------------------------------------------------------------------------


def status_kb(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


# A server past this much memory has failed any limit here by far; it is stopped there, so
# that an unbounded one does not take the machine's memory from everything else on it.
RSS_CAP_KB = 4096 * 1024


class RssSampler:
    def __init__(self, pid):
        self.pid, self.peak_kb, self.task, self.capped = pid, 0, None, False

    async def run(self):
        while True:
            rss = status_kb(self.pid, "VmRSS")
            if rss:
                self.peak_kb = max(self.peak_kb, rss)
                if rss > RSS_CAP_KB and not self.capped:
                    self.capped = True
                    os.kill(self.pid, signal.SIGKILL)
            await asyncio.sleep(0.05)

    def __enter__(self):
        self.task = asyncio.get_running_loop().create_task(self.run())
        return self

    def __exit__(self, *exc):
        self.task.cancel()
        hwm = status_kb(self.pid, "VmHWM")
        if hwm:
            self.peak_kb = max(self.peak_kb, hwm)

    def peak(self):
        text = f"{mb(self.peak_kb):.0f} MB"
        return text + " (server killed at the 4 GB safety cap)" if self.capped else text


def mb(kb):
    return kb / 1024.0


def p99(values):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]


def ms(seconds):
    return f"{seconds * 1000:.0f} ms"


class Probe:
    """Latency of GET `path` on fresh connections, from a separate process."""

    def __init__(self, port, path, token=None, interval=0.05, timeout=5.0):
        self.args = [sys.executable, os.path.abspath(__file__), "--probe", str(port), path,
                     str(interval), str(timeout), token or ""]
        self.proc = None

    async def __aenter__(self):
        self.proc = await asyncio.create_subprocess_exec(*self.args, stdout=subprocess.PIPE)
        await self.proc.stdout.readline()  # "ready"
        return self

    async def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        out, _ = await self.proc.communicate()
        data = json.loads(out.decode() or "{}")
        self.latencies, self.failures = data.get("latencies", []), data.get("failures", 0)
        self.p99 = p99(self.latencies)
        return self

    async def __aexit__(self, *exc):
        if self.proc.returncode is None:
            await self.stop()


async def probe_main(port, path, interval, timeout, token):
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    latencies, failures = [], 0
    print("ready", flush=True)
    while not stop.is_set():
        start = time.monotonic()
        resp = await http(port, "GET", path, headers, timeout=timeout)
        elapsed = time.monotonic() - start
        latencies.append(elapsed)
        if resp.status != 200:
            failures += 1
        try:
            await asyncio.wait_for(stop.wait(), max(0.0, interval - elapsed))
        except asyncio.TimeoutError:
            pass
    print(json.dumps({"latencies": latencies, "failures": failures}), flush=True)


# ---- servers and databases ----------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def child_limits():
    """Children (the server, the CLI) run with the limits this script was started with."""
    resource.setrlimit(resource.RLIMIT_NOFILE, ORIGINAL_NOFILE)


def clean_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIMSGAP_")}
    env["RUST_LOG"] = "warn"
    return env


class Server:
    def __init__(self, ctx, name, database, extra=()):
        self.port = free_port()
        self.log = os.path.join(ctx.work, f"{name}.server.log")
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [ctx.bin, "serve", "--database", database, "--bind", f"127.0.0.1:{self.port}", *extra],
                stdout=log, stderr=subprocess.STDOUT, env=clean_env(), preexec_fn=child_limits,
            )
        self.pid = self.proc.pid

    async def ready(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise Setup(f"server exited with {self.proc.returncode} at start (log {self.log})")
            if (await http(self.port, "GET", "/healthz", timeout=2)).status == 200:
                return self
            await asyncio.sleep(0.1)
        raise Setup("server did not answer /healthz within 60 s")

    def rss_kb(self):
        return status_kb(self.pid, "VmRSS") or 0

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Pg:
    """Fresh databases on a PostgreSQL server, dropped at the end."""

    def __init__(self, base):
        self.base = base.rstrip("/")
        self.made = []
        self.prefix = f"aimsgap_rel_{os.getpid()}"

    def psql(self, database, sql):
        out = subprocess.run(
            ["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", f"{self.base}/{database}", "-c", sql],
            capture_output=True, text=True, timeout=120,
        )
        if out.returncode != 0:
            raise Setup(f"psql: {out.stderr.strip()}")
        return out.stdout

    def fresh(self, name):
        database = re.sub(r"[^a-z0-9_]", "_", f"{self.prefix}_{name}".lower())
        self.psql("postgres", f"DROP DATABASE IF EXISTS {database}")
        self.psql("postgres", f"CREATE DATABASE {database}")
        self.made.append(database)
        return database

    def url(self, database):
        return f"{self.base}/{database}"

    def drop_all(self):
        for database in self.made:
            try:
                self.psql("postgres", f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            except (Setup, subprocess.TimeoutExpired):
                pass


class Backend:
    """Where a server keeps its data, and how to query it directly."""

    def __init__(self, ctx, kind, name):
        self.kind, self.ctx = kind, ctx
        if kind == "sqlite":
            self.path = os.path.join(ctx.work, f"{name}.db")
            self.url = f"sqlite://{self.path}?mode=rwc"
        else:
            self.database = ctx.pg.fresh(name)
            self.url = ctx.pg.url(self.database)

    def query(self, sql):
        if self.kind == "sqlite":
            if not os.path.exists(self.path):
                return []
            with sqlite3.connect(f"file:{self.path}?mode=ro", uri=True) as db:
                return [tuple(row) for row in db.execute(sql).fetchall()]
        out = self.ctx.pg.psql(self.database, f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)")
        import csv
        import io
        return [tuple(row) for row in csv.reader(io.StringIO(out))]

    def tables(self):
        if self.kind == "sqlite":
            rows = self.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'")
        else:
            rows = self.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name NOT LIKE '\\_sqlx%'")
        return [row[0] for row in rows]

    def row_count(self):
        return sum(int(self.query(f"SELECT COUNT(*) FROM {table}")[0][0]) for table in self.tables())


class Context:
    def __init__(self, args):
        self.bin = os.path.abspath(args.bin)
        self.work = tempfile.mkdtemp(prefix="aimsgap-reliability-")
        self.pg = Pg(args.pg) if args.pg else None
        self.root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        self.example = os.path.join(self.root, "examples", "saas-chatbot-iso27001.yaml")
        self.servers = []

    async def server(self, name, backend="sqlite", extra=()):
        store = Backend(self, backend, name)
        server = Server(self, name, store.url, extra)
        self.servers.append(server)
        server.store = store
        return await server.ready()

    def cli(self, *args, timeout=120, **kwargs):
        return subprocess.run([self.bin, *args], capture_output=True, timeout=timeout,
                              env=clean_env(), preexec_fn=child_limits, **kwargs)


# ---- the attacks ----------------------------------------------------------------------------


class Line:
    def __init__(self, name):
        self.name = name

    def show(self, held, figures):
        self.held = held
        print(f"{'held' if held else 'NOT held':<10}{self.name:<20}{figures}", flush=True)
        return held


async def signup_flood(ctx, line):
    server = await ctx.server("signup")
    n = 500
    # From 500 source addresses, so that the per-address sign-up limit does not turn them away
    # and every one reaches the password hashing.
    async with Probe(server.port, "/healthz") as health:
        with RssSampler(server.pid) as rss:
            results = await asyncio.gather(*(signup(server.port, f"flood{i}@bench.test", timeout=180,
                                                    source=f"127.4.{1 + i // 250}.{1 + i % 250}")
                                             for i in range(n)))
        await health.stop()
    statuses = [r.status for r in results]
    accepted, busy, throttled = statuses.count(201), statuses.count(503), statuses.count(429)
    errors = sum(1 for s in statuses if s >= 500 and s != 503)
    dropped = statuses.count(0)
    after = mb(server.rss_kb())
    held = not rss.capped and mb(rss.peak_kb) < 300 and health.p99 < 0.1 and health.failures == 0 and errors == 0 and dropped == 0
    return line.show(held, (
        f"{n} sign-ups: peak RSS {rss.peak()} (limit 300, {after:.0f} MB after), "
        f"/healthz p99 {ms(health.p99)} (limit 100, {len(health.latencies)} probes, {health.failures} failed), "
        f"{accepted} accepted, {busy} answered 503, {throttled} answered 429, {errors} other 5xx, {dropped} without an answer"))


async def login_guess(ctx, line):
    server = await ctx.server("guess")
    email = "victim@bench.test"
    need(await signup(server.port, email), 201, "victim sign-up")
    n = 60
    results = await asyncio.gather(*(login(server.port, email, f"wrong guess {i}", source="127.0.0.2") for i in range(n)))
    statuses = [r.status for r in results]
    evaluated = sum(1 for s in statuses if s not in (429, 503))
    refused = n - evaluated
    # The owner, from another address, within a bounded wait (honouring Retry-After up to it).
    start = time.monotonic()
    limit = 15.0
    owner, tries = None, 0
    while time.monotonic() - start < limit:
        tries += 1
        owner = await login(server.port, email, PASSWORD, source="127.0.0.3")
        if owner.status == 200:
            break
        retry = owner.header("retry-after")
        wait = float(retry) if retry and retry.isdigit() else 1.0
        await asyncio.sleep(max(0.2, min(wait, limit - (time.monotonic() - start))))
    took = time.monotonic() - start
    owner_in = owner is not None and owner.status == 200
    held = evaluated <= 5 and owner_in
    owner_text = (f"owner signed in from another address after {took:.1f} s ({tries} tries)" if owner_in
                  else f"owner refused for {took:.0f} s (last {owner.status}, {tries} tries)")
    return line.show(held, f"{n} parallel wrong passwords: {evaluated} evaluated (limit 5), {refused} refused with 429/503; {owner_text}")


async def throttle_memory(ctx, line):
    server = await ctx.server("throttle")
    total, addresses, conns = 100_000, 200, 16
    per_address = total // addresses

    def address(i):
        return f"127.1.{1 + i // 250}.{1 + i % 250}"

    # Warm up with the same concurrency from other addresses so that the memory of concurrent
    # password checks is already allocated before the baseline is read.
    async def warm(i):
        conn = KeepAlive(server.port, f"127.2.0.{1 + i}")
        for j in range(3):
            await conn.request("POST", "/api/v1/login", json_headers(),
                               json.dumps({"email": f"warm{i}.{j}@bench.test", "password": "wrong password"}).encode())
        conn.close()

    await asyncio.gather(*(warm(i) for i in range(conns)))
    await asyncio.sleep(0.5)
    baseline = server.rss_kb()
    counts = {}
    queue = asyncio.Queue()
    for a in range(addresses):
        queue.put_nowait(a)

    async def worker():
        while not queue.empty():
            a = queue.get_nowait()
            conn = KeepAlive(server.port, address(a))
            for k in range(per_address):
                i = a * per_address + k
                body = json.dumps({"email": f"user{i}@spray.test", "password": "wrong password"}).encode()
                resp = await conn.request("POST", "/api/v1/login", json_headers(), body)
                counts[resp.status] = counts.get(resp.status, 0) + 1
            conn.close()

    start = time.monotonic()
    with RssSampler(server.pid) as rss:
        try:
            await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(conns))), 240)
            finished = True
        except asyncio.TimeoutError:
            finished = False
    took = time.monotonic() - start
    after = server.rss_kb()
    answered = sum(v for k, v in counts.items() if k != 0)
    growth = mb(after - baseline)
    peak_growth = mb(rss.peak_kb - baseline)
    held = finished and answered == total and growth < 50 and not rss.capped
    answers_text = ", ".join(f"{k or 'no answer or dropped'}: {v}" for k, v in sorted(counts.items()))
    return line.show(held, (
        f"{answered} of {total} failed sign-ins with distinct e-mails from {addresses} addresses in {took:.0f} s: "
        f"RSS growth {growth:.1f} MB (limit 50; peak {peak_growth:+.0f} MB over {mb(baseline):.0f} MB baseline"
        + ("; server killed at the 4 GB safety cap" if rss.capped else "") + f"); answers {answers_text}"))


QUICK_QUERY = urllib.parse.urlencode([
    ("org_name", "Bench Ltd"), ("size", "500"), ("team", "2"), ("jur", "EU"), ("jur", "US-CO"),
    ("iso", "certified"), ("scope_ai", "no"), ("soc2", "type2"), ("n", "1"), ("s1_name", "CV screening"),
    ("s1_role", "deployer"), ("s1_does", "people"),
    ("q_scope", "yes"), ("q_policy", "partly"), ("q_risk", "no"), ("q_impact", "unsure"),
])


async def pdf_flood(ctx, line):
    server = await ctx.server("pdf")
    _, token = await account(server.port, "reader@bench.test")
    org = await organisation(server.port, token)
    with open(ctx.example) as f:
        assessment = need(await import_text(server.port, token, org, f.read()), 201, "import").json()["id"]
    path = f"/quick/report/pdf?{QUICK_QUERY}"
    first = need(await http(server.port, "GET", path), 200, "a single quick PDF")
    if not first.body.startswith(b"%PDF"):
        raise Setup("the quick PDF is not a PDF")
    n, duration = 50, 10.0
    statuses = {}

    async def worker(deadline):
        while time.monotonic() < deadline:
            resp = await http(server.port, "GET", path, timeout=120)
            statuses[resp.status] = statuses.get(resp.status, 0) + 1
            if resp.status == 503:
                await asyncio.sleep(0.2)

    async with Probe(server.port, "/healthz") as health, \
            Probe(server.port, f"/api/v1/assessments/{assessment}", token=token) as read:
        deadline = time.monotonic() + duration
        start = time.monotonic()
        await asyncio.gather(*(worker(deadline) for _ in range(n)))
        took = time.monotonic() - start
        await health.stop()
        await read.stop()
    ok, busy = statuses.get(200, 0), statuses.get(503, 0)
    other = sum(v for k, v in statuses.items() if k not in (200, 503))
    held = health.p99 < 0.1 and read.p99 < 0.1 and other == 0 and health.failures == 0 and read.failures == 0
    others = ", ".join(f"{k or 'no answer or dropped'}: {v}" for k, v in sorted(statuses.items()) if k not in (200, 503))
    return line.show(held, (
        f"{n} concurrent anonymous PDFs for {took:.0f} s: /healthz p99 {ms(health.p99)}, API read p99 {ms(read.p99)} "
        f"(limit 100; {health.failures + read.failures} probes failed), {ok} PDFs 200, {busy} 503, {other} other"
        + (f" ({others})" if others else "")))


def history_bytes(store):
    rows = store.query("SELECT COALESCE(SUM(LENGTH(COALESCE(old_value, '')) + LENGTH(COALESCE(new_value, ''))), 0) FROM history")
    return int(rows[0][0])


async def big_documents(ctx, line):
    server = await ctx.server("big")
    _, token = await account(server.port, "editor@bench.test")
    org = await organisation(server.port, token)
    systems = [{"id": f"system-{i:04}", "name": f"System {i}", "role": "deployer", "markets": ["EU"],
                "description": "An AI system of the bench inventory. " * 7} for i in range(3000)]
    document = {"aimsgap": 1, "as_of": "2026-11-29", "organization": {"name": "Bench Ltd"}, "ai_systems": systems}
    body = json.dumps({"name": "many systems", "document": document}).encode()
    many = await http(server.port, "POST", f"/api/v1/orgs/{org}/assessments", json_headers(token), body, timeout=120)
    with open(ctx.example) as f:
        assessment = need(await import_text(server.port, token, org, f.read()), 201, "import").json()["id"]
    current = need(await api(server.port, "GET", f"/api/v1/assessments/{assessment}/answers", token=token), 200, "answers").json()
    versions = {a.get("key"): a.get("version", 0) for a in current.get("answers", [])}
    huge = await api(server.port, "PUT", f"/api/v1/assessments/{assessment}/answers/4.1-1",
                     {"version": versions.get("4.1-1", 0), "answer": {"status": "partial", "notes": "n" * (1 << 20)}}, token)
    # The 100 KB notes go to another answer, so that the 1 MB note, if stored, does not count.
    answer_path = f"/api/v1/assessments/{assessment}/answers/4.1-2"
    version = versions.get("4.1-2", 0)
    # Notes as long as the limit allows (4,000 characters); history that stores each change once
    # grows by about 20 notes, one that stores old and new values by twice that.
    before = history_bytes(server.store)
    accepted = 0
    statuses = []
    note_chars = 4000
    for i in range(20):
        note = (f"revision {i} " + "x" * note_chars)[:note_chars]
        resp = await api(server.port, "PUT", answer_path, {"version": version, "answer": {"status": "partial", "notes": note}}, token)
        statuses.append(resp.status)
        if resp.status == 200:
            accepted += 1
            version = resp.json()["version"]
        elif resp.status == 409:
            version = resp.json()["error"]["current"]["version"]
    growth = history_bytes(server.store) - before
    once = 20 * note_chars
    refused = (413, 422)
    held = many.status in refused and huge.status in refused and accepted == 20 and growth < 1.25 * once
    other = sorted(set(s for s in statuses if s != 200))
    return line.show(held, (
        f"3,000 AI systems in {len(body) / 1e6:.1f} MB: {shown(many)} (want 413/422); "
        f"1 MB note: {shown(huge)} (want 413/422); 20 updates of a {note_chars:,}-character note: {accepted} accepted"
        + (f" (others {other})" if other else "")
        + f", history grew {growth / 1e3:.0f} kB (the notes alone {once / 1e3:.0f} kB; limit {1.25 * once / 1e3:.0f} kB)"))


def answer_mismatches(store):
    """Answers whose newest answer-history entry is not the answer as stored: (checked, wrong)."""
    answers = {(a, k): (body, int(v)) for a, k, body, v in
               store.query("SELECT assessment_id, requirement, body, version FROM answers")}
    newest = {}
    for a, k, new_value in store.query(
            "SELECT assessment_id, entity_key, new_value FROM history WHERE entity = 'answer' ORDER BY id"):
        newest[(a, k)] = new_value
    keys = set(newest) | {key for key, (_, version) in answers.items() if version > 1}
    wrong = 0
    for key in keys:
        stored = answers.get(key)
        stored_value = json.loads(stored[0]) if stored else None
        history_value = newest.get(key, "missing")
        if history_value != "missing" and history_value not in (None, ""):
            history_value = json.loads(history_value)
        elif history_value == "":
            history_value = None
        if stored_value != history_value:
            wrong += 1
    return len(keys), wrong


async def backups(ctx, line, backend):
    server = await ctx.server(f"backup-{backend}", backend)
    _, token = await account(server.port, "writer@bench.test")
    org = await organisation(server.port, token)
    with open(ctx.example) as f:
        example = f.read()
    assessment = need(await import_text(server.port, token, org, example), 201, "import").json()["id"]
    keys = [a["key"] for a in need(await api(server.port, "GET", f"/api/v1/assessments/{assessment}/answers", token=token),
                                   200, "answers").json()["answers"]][:24]
    stop = asyncio.Event()
    writes = {"answers": 0, "imports": 0, "conflicts": 0, "failed": 0}

    async def answer_writer(mine):
        versions = {}
        conn = KeepAlive(server.port)
        i = 0
        while not stop.is_set():
            key = mine[i % len(mine)]
            i += 1
            body = json.dumps({"version": versions.get(key, 1), "answer": {"status": "partial", "notes": f"write {i}"}}).encode()
            resp = await conn.request("PUT", f"/api/v1/assessments/{assessment}/answers/{key}", json_headers(token), body)
            if resp.status == 200:
                versions[key] = resp.json()["version"]
                writes["answers"] += 1
            elif resp.status == 409:
                current = ((resp.json() or {}).get("error") or {}).get("current") or {}
                versions[key] = current.get("version", versions.get(key, 1))
                writes["conflicts"] += 1
            else:
                writes["failed"] += 1
                await asyncio.sleep(0.05)
        conn.close()

    async def importer():
        while not stop.is_set():
            resp = await import_text(server.port, token, org, example, name=f"import {writes['imports']}")
            writes["imports" if resp.status == 201 else "failed"] += 1
            await asyncio.sleep(0.2)

    tasks = [asyncio.create_task(answer_writer(keys[i::4])) for i in range(4)] + [asyncio.create_task(importer())]
    await asyncio.sleep(1.0)
    n = 20
    files, exits = [], []
    for i in range(n):
        out = os.path.join(ctx.work, f"backup-{backend}-{i}.json")
        proc = await asyncio.create_subprocess_exec(ctx.bin, "backup", "--database", server.store.url, "-o", out,
                                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=clean_env(),
                                                    preexec_fn=child_limits)
        await proc.communicate()
        exits.append(proc.returncode)
        files.append(out)
    stop.set()
    await asyncio.gather(*tasks)
    backup_ok = exits.count(0)
    # One more backup with no writes running: the undamaged source of the damaged ones below.
    quiet = os.path.join(ctx.work, f"backup-{backend}-quiet.json")
    quiet_run = await asyncio.to_thread(ctx.cli, "backup", "--database", server.store.url, "-o", quiet)
    restored, mismatched, checked_keys, wrong_answers = 0, 0, 0, 0
    for i, path in enumerate(files):
        if not os.path.exists(path):
            continue
        target = Backend(ctx, backend, f"restore_{backend}_{i}")
        proc = await asyncio.to_thread(ctx.cli, "restore", path, "--database", target.url)
        if proc.returncode != 0:
            continue
        restored += 1
        checked, wrong = answer_mismatches(target)
        checked_keys += checked
        wrong_answers += wrong
        if wrong or checked == 0:
            mismatched += 1
    # A truncated, a tampered and an incomplete backup: refused, and the target left empty.
    source = quiet if quiet_run.returncode == 0 and os.path.exists(quiet) else None
    bad_held, bad_figures = True, []
    if source is None:
        bad_held = False
        bad_figures.append("no quiet backup to damage")
    else:
        control = Backend(ctx, backend, f"quiet_{backend}")
        proc = await asyncio.to_thread(ctx.cli, "restore", source, "--database", control.url)
        if proc.returncode != 0:
            bad_held = False
            bad_figures.append(f"the quiet backup itself does not restore (exit {proc.returncode})")
    if source is not None:
        with open(source, "rb") as f:
            raw = f.read()
        damaged = {"truncated": raw[: len(raw) // 2]}
        try:
            whole = json.loads(raw)
            tampered = json.loads(raw)
            tampered["tables"]["memberships"][0]["role"] = "superuser"
            damaged["tampered"] = json.dumps(tampered).encode()
            incomplete = dict(whole, tables={k: v for k, v in whole["tables"].items() if k not in ("history", "answers")})
            damaged["tables missing"] = json.dumps(incomplete).encode()
        except (ValueError, KeyError, IndexError, TypeError) as e:
            bad_held = False
            bad_figures.append(f"cannot damage the backup ({type(e).__name__})")
        for j, (kind, data) in enumerate(damaged.items()):
            path = os.path.join(ctx.work, f"damaged-{backend}-{j}.json")
            with open(path, "wb") as f:
                f.write(data)
            target = Backend(ctx, backend, f"damaged_{backend}_{j}")
            proc = await asyncio.to_thread(ctx.cli, "restore", path, "--database", target.url)
            rows = target.row_count()
            ok = proc.returncode != 0 and rows == 0
            bad_held &= ok
            bad_figures.append(f"{kind}: exit {proc.returncode}, {rows} rows written")
    held = backup_ok == n and restored == n and mismatched == 0 and bad_held
    return line.show(held, (
        f"{n} backups under {writes['answers']} answer writes and {writes['imports']} imports: {backup_ok} exited 0, "
        f"{restored} restored, {mismatched} with history not matching answers ({wrong_answers} of {checked_keys} answers wrong); "
        + "; ".join(bad_figures)))


def hold_main(port, count, first_octet):
    """A child process: opens `count` connections that send half a request, holds them."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    count = min(count, hard - 64)

    async def main():
        sockets = []
        sem = asyncio.Semaphore(256)

        async def one(i):
            async with sem:
                source = f"127.{first_octet}.{1 + i // 200}.{1 + i % 200}"
                try:
                    reader, writer = await asyncio.wait_for(
                        asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0)), 3)
                    writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow")
                    await writer.drain()
                    sockets.append((reader, writer))
                except (OSError, asyncio.TimeoutError):
                    pass

        deadline = time.monotonic() + 40
        tasks = [asyncio.create_task(one(i)) for i in range(count)]
        done, pending = await asyncio.wait(tasks, timeout=max(1, deadline - time.monotonic()))
        for task in pending:
            task.cancel()
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        print(json.dumps({"opened": len(sockets), "limit": hard}), flush=True)
        await stop.wait()
        # Closed by the server: an end of stream or a reset, seen without reading.
        closed = sum(1 for reader, _ in sockets if getattr(reader, "_eof", False) or reader.exception() is not None)
        print(json.dumps({"closed": closed}), flush=True)
        for _, writer in sockets:
            writer.transport.abort()

    asyncio.run(main())


async def slow_clients(ctx, line):
    server = await ctx.server("slow")
    # 20,000, or 300 past the server's own file limit when that is higher: a server that may
    # open more files than the attack holds would hold by luck, not by design.
    total, hold_seconds = max(20_000, ORIGINAL_NOFILE[0] + 300), 15
    holders = []
    for k in range(2):
        proc = await asyncio.create_subprocess_exec(
            sys.executable, os.path.abspath(__file__), "--hold", str(server.port), str(total // 2),
            str(10 + k), stdout=subprocess.PIPE)
        holders.append(proc)
    opened, limits = 0, set()
    for proc in holders:
        data = json.loads((await proc.stdout.readline()).decode() or "{}")
        opened += data.get("opened", 0)
        limits.add(data.get("limit"))
    fds = len(os.listdir(f"/proc/{server.pid}/fd")) if os.path.exists(f"/proc/{server.pid}/fd") else -1
    async with Probe(server.port, "/healthz", interval=0.1, timeout=2.0) as health:
        await asyncio.sleep(hold_seconds)
        await health.stop()
    closed = 0
    for proc in holders:
        proc.send_signal(signal.SIGTERM)
    for proc in holders:
        data = json.loads((await proc.stdout.readline()).decode() or "{}")
        closed += data.get("closed", 0)
        await proc.wait()
    alive = server.proc.poll() is None
    held = health.p99 < 1.0 and health.failures == 0 and alive
    limit_note = f" (client limit {min(limits)} fds per process)" if any(l and l < total // 2 + 64 for l in limits) else ""
    return line.show(held, (
        f"{opened} of {total} half-sent requests held{limit_note}, server fds {fds} (its soft limit {ORIGINAL_NOFILE[0]}), "
        f"{closed} closed by the server within {hold_seconds} s: fresh /healthz p99 {ms(health.p99)} (limit 1000), "
        f"{health.failures} of {len(health.latencies)} probes failed" + ("" if alive else "; the server died")))


def same_origin(location):
    """Whether a browser would stay on this site following `location` (WHATWG URL parsing in
    outline: tabs and newlines removed, leading C0 and space stripped, backslash as slash)."""
    if location is None:
        return True
    cleaned = re.sub(r"[\t\n\r]", "", location).lstrip("".join(chr(c) for c in range(0x21)))
    cleaned = cleaned.replace("\\", "/")
    base = "http://127.0.0.1:8080/signin"
    joined = urllib.parse.urlsplit(urllib.parse.urljoin(base, cleaned))
    return cleaned.startswith("/") and not cleaned.startswith("//") and joined.netloc == "127.0.0.1:8080"


async def open_redirect(ctx, line):
    server = await ctx.server("redirect")
    email = "redirect@bench.test"
    need(await signup(server.port, email), 201, "sign-up")
    payloads = ["/\t/evil.test", "/\t\t/evil.test", "/\n/evil.test", "/\r/evil.test", "/\\evil.test", "//evil.test",
                "/\\/evil.test", "https://evil.test/", "/%09/evil.test", " //evil.test", "\t//evil.test",
                "/ /evil.test/../..//evil.test", "http:evil.test", "/\x00/evil.test"]
    bad = []
    for payload in payloads:
        form = need(await http(server.port, "GET", "/signin"), 200, "sign-in form")
        match = re.search(rb'name="form_token"\s+value="([^"]+)"', form.body) or \
            re.search(rb'value="([^"]+)"\s+name="form_token"', form.body)
        cookie = form.cookie("aimsgap_form")
        if not match or not cookie:
            raise Setup("the sign-in form has no form token")
        body = urllib.parse.urlencode({"form_token": match.group(1).decode(), "email": email,
                                       "password": PASSWORD, "next": payload}).encode()
        resp = await http(server.port, "POST", "/signin", {
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"aimsgap_form={cookie}"}, body)
        if resp.status not in (200, 302, 303, 307, 400, 422):
            bad.append(f"{payload!r}: status {resp.status or resp.error}")
        elif not same_origin(resp.header("location")):
            bad.append(f"{payload!r} -> Location {resp.header('location')!r}")
    held = not bad
    figures = f"{len(payloads)} next= values after sign-in: {len(payloads) - len(bad)} stayed on the site"
    return line.show(held, figures + (f"; off-site: {', '.join(bad)}" if bad else ""))


async def race(port, first, second):
    """Sends two requests so that they arrive together: all but their last bytes first."""
    conns = []
    for method, path, token, payload in (first, second):
        body = None if payload is None else json.dumps(payload).encode()
        data = request_bytes(method, path, json_headers(token), body)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(data[:-1])
        await writer.drain()
        conns.append((reader, writer, data[-1:], method))
    await asyncio.sleep(0.05)
    for _, writer, last, _ in conns:
        writer.write(last)
    results = []
    for reader, writer, _, method in conns:
        try:
            results.append((await asyncio.wait_for(read_response(reader, method), 30)).status)
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError):
            results.append(0)
        writer.close()
    return results


async def owner_race(ctx, line, backend):
    server = await ctx.server(f"owners-{backend}", backend)
    a_id, a_token = await account(server.port, "owner-a@bench.test")
    b_id, b_token = await account(server.port, "owner-b@bench.test")
    orgs = []
    for i in range(20):
        org = await organisation(server.port, a_token, f"Race {i}")
        invitation = need(await api(server.port, "POST", f"/api/v1/orgs/{org}/invitations", {"role": "owner"}, a_token),
                          201, "invitation").json()
        need(await api(server.port, "POST", f"/api/v1/invitations/{invitation['token']}/accept", token=b_token), 200, "accept")
        orgs.append(org)
    both = {"remove": 0, "demote": 0}
    for i, org in enumerate(orgs):
        kind = "remove" if i < 10 else "demote"
        if kind == "remove":
            first = ("DELETE", f"/api/v1/orgs/{org}/members/{b_id}", a_token, None)
            second = ("DELETE", f"/api/v1/orgs/{org}/members/{a_id}", b_token, None)
        else:
            first = ("PUT", f"/api/v1/orgs/{org}/members/{b_id}", a_token, {"role": "editor"})
            second = ("PUT", f"/api/v1/orgs/{org}/members/{a_id}", b_token, {"role": "editor"})
        statuses = await race(server.port, first, second)
        if all(s == 204 for s in statuses):
            both[kind] += 1
    owners = {org: 0 for org in orgs}
    for org_id, count in server.store.query("SELECT org_id, COUNT(*) FROM memberships WHERE role = 'owner' GROUP BY org_id"):
        if org_id in owners:
            owners[org_id] = int(count)
    lost_remove = sum(1 for org in orgs[:10] if owners[org] == 0)
    lost_demote = sum(1 for org in orgs[10:] if owners[org] == 0)
    held = lost_remove == 0 and lost_demote == 0
    return line.show(held, (
        f"10 organisations, two owners removing each other at once: {lost_remove} left without an owner "
        f"(both requests succeeded in {both['remove']}); 10 demoting each other: {lost_demote} left without an owner "
        f"(both succeeded in {both['demote']})"))


async def small_ones(ctx, lines):
    server = await ctx.server("small")
    _, token = await account(server.port, "small@bench.test")
    org = await organisation(server.port, token)
    with open(ctx.example) as f:
        example = f.read()
    results = []

    # team_fte 1e-300: a 4xx, never a 500, never a Stage 1 date in year 1.
    document = {"aimsgap": 1, "as_of": "2026-11-29",
                "organization": {"name": "Tiny Ltd", "employees": 20, "team_fte": 1e-300}}
    imported = await api(server.port, "POST", f"/api/v1/orgs/{org}/assessments", {"name": "fte", "document": document}, token)
    figures = f"import with team_fte 1e-300: {shown(imported)}"
    if imported.status == 201:
        assessment = imported.json()["id"]
        result = await api(server.port, "GET", f"/api/v1/assessments/{assessment}/result", token=token, timeout=20)
        years = sorted(set(int(y) for y in re.findall(rb'"(\d{4})-\d\d-\d\d"', result.body)))
        xlsx = await api(server.port, "GET", f"/api/v1/assessments/{assessment}/reports/xlsx", token=token, timeout=20)
        figures += (f"; result {shown(result)}, earliest year in it {years[0] if years else 'none'}; "
                    f"XLSX {shown(xlsx)}")
    results.append(lines["fte-bounds"].show(400 <= imported.status < 500, figures + " (want 4xx)"))

    # Cache-Control: no-store on API answers, errors included.
    with_example = need(await import_text(server.port, token, org, example), 201, "import").json()["id"]
    checks = [("GET /api/v1/me", await api(server.port, "GET", "/api/v1/me", token=token)),
              ("GET /api/v1/orgs", await api(server.port, "GET", "/api/v1/orgs", token=token)),
              ("GET an assessment", await api(server.port, "GET", f"/api/v1/assessments/{with_example}", token=token)),
              ("GET /api/v1/me signed out (401)", await api(server.port, "GET", "/api/v1/me")),
              ("POST /api/v1/login wrong (401)", await login(server.port, "nobody@bench.test", "wrong password x"))]
    missing = [name for name, resp in checks if "no-store" not in (resp.header("cache-control") or "")]
    results.append(lines["cache-control"].show(
        not missing, f"{len(checks) - len(missing)} of {len(checks)} API answers carry Cache-Control: no-store"
        + (f"; missing on {', '.join(missing)}" if missing else "")))

    # HSTS when the server is told it is served over TLS.
    secure = await ctx.server("secure", extra=("--secure-cookies",))
    paths = ["/healthz", "/", "/api/v1/me", "/signin"]
    hsts = []
    for path in paths:
        resp = await http(secure.port, "GET", path)
        hsts.append(resp.header("strict-transport-security"))
    have = sum(1 for h in hsts if h and "max-age=" in h)
    results.append(lines["hsts"].show(have == len(paths), (
        f"with --secure-cookies {have} of {len(paths)} responses carry Strict-Transport-Security"
        + (f" ({next(h for h in hsts if h)})" if have else ""))))
    secure.stop()

    # U+007F in a JSON assessment's name: accepted, by the CLI and the API.
    document = {"aimsgap": 1, "as_of": "2026-11-29", "organization": {"name": "Del\x7fete Ltd", "employees": 20}}
    text = json.dumps(document, ensure_ascii=False)
    assert "\x7f" in text
    path = os.path.join(ctx.work, "del.json")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    cli = await asyncio.to_thread(ctx.cli, "assess", path, "--format", "json")
    via_api = await import_text(server.port, token, org, text, name="del")
    via_document = await api(server.port, "POST", f"/api/v1/orgs/{org}/assessments", {"name": "del", "document": document}, token)
    accepted = cli.returncode == 0 and via_api.status == 201 and via_document.status == 201
    results.append(lines["del-in-json"].show(accepted, (
        f"a JSON file with U+007F in the organisation name: aimsgap assess exit {cli.returncode}, "
        f"API import as text {via_api.status}, as a document {via_document.status}"
        + ("" if cli.returncode == 0 else f" ({cli.stderr.decode(errors='replace').strip().splitlines()[-1][:120] if cli.stderr.strip() else ''})"))))

    # The CLI on /dev/zero: refused within a second, in bounded memory.
    def dev_zero():
        def limits():
            child_limits()
            resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
        start = time.monotonic()
        proc = subprocess.Popen([ctx.bin, "assess", "/dev/zero"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                env=clean_env(), preexec_fn=limits)
        peak = 0
        while proc.poll() is None and time.monotonic() - start < 10:
            peak = max(peak, status_kb(proc.pid, "VmHWM") or 0)
            time.sleep(0.01)
        killed = proc.poll() is None
        if killed:
            proc.kill()
        proc.wait()
        return time.monotonic() - start, peak, proc.returncode, killed

    took, peak, code, killed = await asyncio.to_thread(dev_zero)
    ok = not killed and code != 0 and took < 1.0 and mb(peak) < 100
    results.append(lines["cli-dev-zero"].show(ok, (
        f"aimsgap assess /dev/zero: " + ("still running after 10 s, killed" if killed else f"exit {code} after {took:.2f} s")
        + f", peak RSS {mb(peak):.0f} MB (limits 1 s, 100 MB; address space capped at 2 GB)")))

    # --out-dir with planted symlinks: nothing written through them.
    plain = os.path.join(ctx.work, "out-plain")
    listing = await asyncio.to_thread(ctx.cli, "assess", ctx.example, "--out-dir", plain)
    names = sorted(os.listdir(plain)) if os.path.isdir(plain) else []
    victims = os.path.join(ctx.work, "victims")
    planted = os.path.join(ctx.work, "out-planted")
    os.makedirs(victims)
    os.makedirs(planted)
    for name in names:
        victim = os.path.join(victims, name)
        if os.path.isdir(os.path.join(plain, name)):
            os.makedirs(victim)
        else:
            with open(victim, "w") as f:
                f.write("victim\n")
        os.symlink(victim, os.path.join(planted, name))
    before = {p: open(os.path.join(victims, p), "rb").read() for p in names if os.path.isfile(os.path.join(victims, p))}
    run = await asyncio.to_thread(ctx.cli, "assess", ctx.example, "--out-dir", planted)
    changed = sum(1 for p, data in before.items() if open(os.path.join(victims, p), "rb").read() != data)
    added = sum(len(files) for _, _, files in os.walk(victims)) - len(before)
    ok = bool(names) and changed == 0 and added == 0
    results.append(lines["out-dir-symlink"].show(ok, (
        f"{len(names)} outputs planted as symlinks (listing exit {listing.returncode}): assess exit {run.returncode}, "
        f"{changed} victim files overwritten, {added} files written into a victim directory")))

    # Terminal escape codes in an organisation name: escaped in text output.
    evil = os.path.join(ctx.work, "escape.yaml")
    with open(evil, "w") as f:
        f.write('aimsgap: 1\nas_of: 2026-11-29\norganization:\n  name: "Evil \\e[2J\\e]0;owned\\a Ltd"\n  employees: 20\n')
    out = await asyncio.to_thread(ctx.cli, "assess", evil)
    raw = out.stdout.count(b"\x1b") + out.stderr.count(b"\x1b") + out.stdout.count(b"\x07")
    ok = raw == 0 and (out.returncode == 0 or bool(out.stderr.strip()))
    results.append(lines["terminal-escape"].show(ok, (
        f"organisation name with ESC[2J and an OSC title: aimsgap assess exit {out.returncode}, "
        f"{raw} raw control bytes printed")))
    return all(results)


# ---- running them -------------------------------------------------------------------------

SMALL = ["fte-bounds", "cache-control", "hsts", "del-in-json", "cli-dev-zero", "out-dir-symlink", "terminal-escape"]


def attacks(ctx):
    """(names, time limit in seconds, coroutine factory taking the lines)."""
    plan = [
        (["signup-flood"], 240, lambda l: signup_flood(ctx, l[0])),
        (["login-guess"], 120, lambda l: login_guess(ctx, l[0])),
        (["throttle-memory"], 300, lambda l: throttle_memory(ctx, l[0])),
        (["pdf-flood"], 180, lambda l: pdf_flood(ctx, l[0])),
        (["big-documents"], 180, lambda l: big_documents(ctx, l[0])),
        (["backups/sqlite"], 240, lambda l: backups(ctx, l[0], "sqlite")),
        (["backups/postgres"], 300, lambda l: backups(ctx, l[0], "postgres")),
        (["slow-clients"], 180, lambda l: slow_clients(ctx, l[0])),
        (["open-redirect"], 120, lambda l: open_redirect(ctx, l[0])),
        (["owner-race/sqlite"], 120, lambda l: owner_race(ctx, l[0], "sqlite")),
        (["owner-race/postgres"], 120, lambda l: owner_race(ctx, l[0], "postgres")),
        (SMALL, 180, lambda l: small_ones(ctx, dict(zip(SMALL, l)))),
    ]
    return plan


async def run(args):
    ctx = Context(args)
    only = set(args.only.split(",")) if args.only else None
    started = time.monotonic()
    held_all = True
    printed = 0
    try:
        for names, limit, make in attacks(ctx):
            if only and not any(n in only or n.split("/")[0] in only for n in names):
                continue
            lines = [Line(n) for n in names]
            if any(n.endswith("/postgres") for n in names) and ctx.pg is None:
                print(f"{'skipped':<10}{names[0]:<20}no PostgreSQL (set AIMSGAP_BENCH_PG_URL or start one with .ci/postgres.sh)", flush=True)
                continue
            try:
                await asyncio.wait_for(make(lines), limit)
            except asyncio.TimeoutError:
                for line in lines:
                    if not hasattr(line, "held"):
                        line.show(False, f"did not finish within {limit} s")
            except Setup as e:
                for line in lines:
                    if not hasattr(line, "held"):
                        line.show(False, f"could not run: {e}")
            except Exception as e:  # a surprise in an answer: the line fails, the run goes on
                for line in lines:
                    if not hasattr(line, "held"):
                        line.show(False, f"could not run: {type(e).__name__}: {e}")
            finally:
                for server in ctx.servers:
                    server.stop()
                ctx.servers.clear()
            held_all &= all(getattr(line, "held", False) for line in lines)
            printed += len(lines)
    finally:
        for server in ctx.servers:
            server.stop()
        if ctx.pg:
            ctx.pg.drop_all()
        if args.keep:
            print(f"kept {ctx.work}")
        else:
            shutil.rmtree(ctx.work, ignore_errors=True)
    print(f"{printed} lines in {time.monotonic() - started:.0f} s: " + ("all held" if held_all else "some NOT held"))
    return 0 if held_all else 1


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--probe":
        port, path, interval, timeout, token = sys.argv[2:7]
        asyncio.run(probe_main(int(port), path, float(interval), float(timeout), token))
        return 0
    if len(sys.argv) > 1 and sys.argv[1] == "--hold":
        port, count, octet = sys.argv[2:5]
        hold_main(int(port), int(count), int(octet))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", required=True, help="the aimsgap binary (a release build)")
    parser.add_argument("--pg", help="a PostgreSQL server URL without database: postgres://USER:PASSWORD@HOST:PORT")
    parser.add_argument("--only", help="comma-separated attack names")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, databases, backups)")
    args = parser.parse_args()
    soft, hard = ORIGINAL_NOFILE
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
