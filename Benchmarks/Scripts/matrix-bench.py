#!/usr/bin/env python3
"""Tandem on Matrix against a real Synapse homeserver on this machine: what Synapse itself costs, and what Tandem
adds on top of it.

    swift build -c release --product tandem
    python3 Benchmarks/Scripts/matrix-bench.py [--binary .build/release/tandem] [--quick] [--n N] [--duration S]
                                               [--window W] [--skip-tandem] [--skip-echo] [--json FILE] [--keep]

Run from the repository root (it reads Config/local.json and Config/sample-campaigns.json). Stdlib only; Synapse
comes from .venv-synapse/ (made by `bash Deploy/setup.sh --test`; --synapse-venv points at another one). The
script starts Synapse on a free port in a temp folder (SQLite, every rc_* rate limit relaxed, as
Tests/TandemMatrixTesting/SynapseServer.swift does), registers the sample team (@mia:localhost, …), the bot
@tandem:localhost and the reference bot @echo:localhost with the shared-secret admin API, creates the rooms, and
measures, in this order:

  1. sync-latency   Synapse alone: member A PUTs an m.room.message while member B is blocked in
                    /sync?since=…&timeout=30000; the time from just before A's PUT to B's /sync returning the event.
                    One message at a time, N messages: p50/p90/p99.
  2. ceiling        Synapse alone: S sender threads (each a member with its own keep-alive connection) send as fast
                    as Synapse accepts for D seconds, while B syncs; messages/s accepted (200 to the PUT) and
                    delivered (events B's /sync returned, over the time from the first send to the last event), and
                    Synapse's CPU time per message (utime + stime of its process from /proc).
  3. tandem-latency A member sends `@tandem campaign <name>` in the joint room while already blocked in /sync, and
                    waits for the bot's reply there (sender @tandem:localhost, msgtype m.notice). One command at a
                    time, N commands: p50/p90/p99, every reply checked to name the campaign asked for.
  4. tandem-load    W lanes, each a (member, room) pair with its own connection and one command outstanding at a
                    time, for D seconds: replies/s. Every command must get exactly one reply: replies are seen by a
                    /sync on the bot's own account and matched to their command by `m.in_reply_to` (the echo bot) or
                    by Tandem's transaction id `reply:<command event id>:<part>` (Synapse shows a sender's own
                    transaction ids to it), else by room and order; the reply's body must name the campaign of its
                    command.
  5. echo           the same two measurements with a reference bot (this script's `echo` worker, started as a
                    process of its own): /sync long poll, and for every `@echo …` an m.notice reply with
                    in_reply_to. Minimal Python, no state, no journal: the floor any bot on this Synapse has.

The added latency. A command's total latency is: A's PUT → Synapse → the bot's /sync returns it (one send→sync
hop) → the bot handles it and PUTs its reply → Synapse → A's /sync returns the reply (a second send→sync hop). The
two hops cannot be told apart from the bot's own time from outside (the bot's clock and the moment its /sync
returns are not visible to us), so the estimate is

    added ≈ total − 2 × (Synapse's send→sync latency of phase 1)

per percentile (p50 − 2·p50, p90 − 2·p90, p99 − 2·p99). It is the bot's handling plus whatever the two hops cost
beyond phase 1's bare hop: the bot's PUT and /sync go over its own connections with its own filter, the member's
/sync carries a reply of a few KB instead of a short text, and Synapse is busier while the bot works. So it is an
estimate of what the bot adds, exact only if both hops cost what phase 1 measured; subtracting percentiles is only
exact for the median of a constant, so read the p90/p99 differences as rough. The echo bot's added latency, from
the same formula, is the part of it any bot pays (a Python process's sync/parse/send): Tandem's added latency
minus the echo bot's is Tandem's own handling more closely.

A second, narrower estimate from Synapse's own timestamps (`origin_server_ts`, set when Synapse creates an event
at the start of handling its PUT; Synapse runs on this machine, so its clock is ours). In phase 3 the command's and
the reply's timestamps give the turnaround `reply.ts − command.ts` = the rest of the command's PUT (persisting,
waking /syncs) + the bot's /sync returning it + the bot's handling + the bot's reply PUT up to Synapse creating
the reply event. Phase 1 measures `deliver` = our clock when B's /sync returned an event − the event's timestamp,
the same "created → a /sync returns it" part for a bare message. So

    added₂ ≈ turnaround − deliver        (per percentile)

is the bot's own time from its /sync returning to its reply PUT reaching Synapse, plus how much slower the bot's
/sync is than B's. It leaves out the reply's own delivery and most of Synapse's per-message cost, so it is closer
to the bot's own time than the first estimate; it is still an estimate (timestamps have 1 ms resolution, and the
hop to the bot is taken to cost what phase 1's hop to B cost).

The share. Each command costs Synapse two messages (the command and the reply), each delivered to the bot or a
member by /sync, so with Synapse's ceiling C (messages/s, phase 2) a bot at R commands/s uses about 2R/C of it:
`share` = 2 × commands/s ÷ ceiling. A share near 1 means the homeserver, not the bot, is the limit. It is rough:
phase 2's messages go to one syncing client, while in phase 4 each reply goes to every member of the room and the
bot's /sync too, so the per-message cost differs.

It prints a Markdown table on stdout (progress on stderr) and writes every figure with --json FILE. It exits with
status 1, after the table, when a command went unanswered or was answered twice or wrongly.
"""
import argparse, base64, hashlib, hmac, http.client, json, os, platform, secrets, shutil, signal, socket, subprocess, sys
import tempfile, threading, time, urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (its process handling, shared by the benchmarks here)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
SERVER_NAME = "localhost"
PASSWORD = "bench-password"
# Sample campaign lookups: (the command's query, a text the reply must contain).
LOOKUPS = [("spring", "Spring Launch"), ("roadshow", "Security Roadshow"), ("summer", "Summer Retail"),
           ("year-end", "Year-End Upgrade"), ("webinar", "Webinarreihe")]
SYNC_FILTER_BASE = {"presence": {"types": []}, "account_data": {"types": []},
                    "room": {"state": {"lazy_load_members": True}, "ephemeral": {"types": []},
                             "account_data": {"types": []}, "timeline": {"limit": 1000}}}


def log(*parts):
    print("matrix-bench:", *parts, file=sys.stderr, flush=True)


def percentile(values, p):
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def quantiles_ms(values):
    return {"n": len(values), "p50": percentile(values, 50) * 1000, "p90": percentile(values, 90) * 1000,
            "p99": percentile(values, 99) * 1000, "max": (max(values) * 1000 if values else float("nan"))}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    """utime + stime of a process (its threads included), from /proc/PID/stat."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def machine_cpu():
    """The machine's CPU counters (all cores) from /proc/stat: (busy, steal, total) jiffies."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:9]]
        user, nice, system, idle, iowait, irq, softirq, steal = v
        return (user + nice + system + irq + softirq, steal, sum(v))
    except (OSError, ValueError):
        return (0, 0, 0)


class PhaseClock:
    """How busy the whole machine was during each phase: a busy machine (other builds, stolen time) makes every
    figure worse, so it is printed with them."""

    def __init__(self):
        self.phases = {}

    def run(self, name, fn, *args):
        c0, d0 = machine_cpu(), os.times()
        t0 = time.perf_counter()
        try:
            return fn(*args)
        finally:
            c1, d1 = machine_cpu(), os.times()
            total = max(c1[2] - c0[2], 1)
            wall = time.perf_counter() - t0
            self.phases[name] = {"seconds": round(wall, 1),
                                 "machine_busy": round((c1[0] - c0[0]) / total, 3),
                                 "steal": round((c1[1] - c0[1]) / total, 3),
                                 "driver_cores": round((d1.user + d1.system - d0.user - d0.system) / wall, 3)}


def q(room_id):
    return urllib.parse.quote(room_id, safe="")


# --------------------------------------------------------------------------------------------------------------
# HTTP: one keep-alive connection per thread, Nagle off.


class NoDelayConnection(http.client.HTTPConnection):
    def connect(self):
        super().connect()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class HTTPFailure(Exception):
    pass


class Client:
    """One Matrix user on one keep-alive connection. Not thread-safe: one per thread (see `clone`)."""

    def __init__(self, base, user_id=None, token=None):
        self.base, self.user_id, self.token = base, user_id, token
        parsed = urllib.parse.urlparse(base)
        self.host, self.port = parsed.hostname, parsed.port
        self.conn = None
        self.txn = 0
        self.txn_prefix = secrets.token_hex(4)

    def clone(self):
        return Client(self.base, self.user_id, self.token)

    def close(self):
        if self.conn:
            self.conn.close()
        self.conn = None

    def start(self, method, path, body=None):
        """Sends a request without reading the response (so a /sync can be in flight while another client acts)."""
        if self.conn is None:
            self.conn = NoDelayConnection(self.host, self.port, timeout=120)
        headers = {}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            self.conn.request(method, path, body=data, headers=headers)
        except (OSError, http.client.HTTPException):
            self.close()  # a keep-alive connection the server closed: once more on a new one
            self.conn = NoDelayConnection(self.host, self.port, timeout=120)
            self.conn.request(method, path, body=data, headers=headers)

    def finish(self, method="", path=""):
        response = self.conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise HTTPFailure(f"{method} {path.split('?')[0]} → {response.status}: {data[:300]!r}")
        return json.loads(data) if data else {}

    def call(self, method, path, body=None):
        self.start(method, path, body)
        return self.finish(method, path)

    def send(self, room_id, content, event_type="m.room.message"):
        """PUT /send; returns the event id."""
        self.txn += 1
        path = f"/_matrix/client/v3/rooms/{q(room_id)}/send/{event_type}/{self.txn_prefix}-{self.txn}"
        return self.call("PUT", path, content)["event_id"]

    def sync_path(self, since, timeout_ms, rooms=None, nonce=None):
        spec = json.loads(json.dumps(SYNC_FILTER_BASE))
        if rooms is not None:
            spec["room"]["rooms"] = list(rooms)
        if nonce:
            spec["room"]["timeline"]["not_types"] = ["bench.nonce." + nonce]
        path = "/_matrix/client/v3/sync?timeout=%d&filter=%s" % (timeout_ms, urllib.parse.quote(json.dumps(spec)))
        if since:
            path += "&since=" + urllib.parse.quote(since)
        return path

    def current_batch(self, rooms=None):
        """The `next_batch` of now: /sync without `since` returns history, which nobody wants to read.

        Synapse keeps sync responses for 2 minutes (`caches.sync_response_cache_duration`) by user, filter, `since`
        and timeout, so a second initial sync with the same filter would return the first one's old `next_batch`:
        a nonce in the filter makes each one new."""
        return self.call("GET", self.sync_path(None, 0, rooms, nonce=secrets.token_hex(6)))["next_batch"]


def timeline_events(sync):
    """(room id, event, limited) for every timeline event of joined rooms in a /sync response."""
    out = []
    for room_id, room in sync.get("rooms", {}).get("join", {}).items():
        timeline = room.get("timeline", {})
        for event in timeline.get("events", []):
            out.append((room_id, event, timeline.get("limited", False)))
    return out


def in_reply_to(event):
    return (event.get("content", {}).get("m.relates_to") or {}).get("m.in_reply_to", {}).get("event_id")


def answered_command(event):
    """The command event a bot's reply answers, when it says so: `m.in_reply_to` (the echo bot), or, seen by the
    bot's own account (Synapse shows a sender its own `unsigned.transaction_id`), Tandem's transaction id
    `reply:<command event id>:<part>`. Returns (event id, part) or (None, None)."""
    target = in_reply_to(event)
    if target:
        return target, 0
    txn = event.get("unsigned", {}).get("transaction_id", "")
    if txn.startswith("reply:") and txn.count(":") >= 2:
        target, _, part = txn[len("reply:"):].rpartition(":")
        return target, part
    return None, None


# --------------------------------------------------------------------------------------------------------------
# Processes: each in its own process group, stopped with SIGTERM to the group, SIGKILL after 10 s.


class Processes(bench.Processes):
    """bench.py's children, each with its output in a log file."""

    def start(self, args, log_path, env=None):
        with open(log_path, "ab") as out:
            return super().start(args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)


# --------------------------------------------------------------------------------------------------------------
# Synapse


def relaxed_limits():
    r = {"per_second": 10_000, "burst_count": 100_000}
    return {
        "rc_message": r, "rc_registration": r, "rc_registration_token_validity": r,
        "rc_login": {"address": r, "account": r, "failed_attempts": r}, "rc_admin_redaction": r,
        "rc_joins": {"local": r, "remote": r}, "rc_joins_per_room": r, "rc_key_requests": r,
        "rc_3pid_validation": r, "rc_invites": {"per_room": r, "per_user": r, "per_issuer": r},
        "rc_third_party_invite": r, "rc_media_create": r, "rc_presence": {"per_user": r},
        "rc_delayed_event_mgmt": r, "rc_room_creation": r, "rc_reports": r, "rc_user_directory": r,
        "rc_profile": r,
        "rc_federation": {"window_size": 1000, "sleep_limit": 100_000, "sleep_delay": 0, "reject_limit": 100_000,
                          "concurrent": 1000},
    }


class Synapse:
    def __init__(self, procs, venv, folder):
        self.procs, self.folder = procs, folder
        self.python = os.path.join(venv, "bin", "python")
        if not os.access(self.python, os.X_OK):
            raise SystemExit(f"matrix-bench: {self.python} is missing: run `bash Deploy/setup.sh --test` or pass "
                             "--synapse-venv")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.secret = secrets.token_hex(32)
        self.log_path = os.path.join(folder, "synapse.log")
        config = {
            "server_name": SERVER_NAME, "pid_file": folder + "/homeserver.pid",
            "signing_key_path": folder + "/signing.key", "media_store_path": folder + "/media",
            "report_stats": False,
            "listeners": [{"port": self.port, "bind_addresses": ["127.0.0.1"], "type": "http", "tls": False,
                           "x_forwarded": False, "resources": [{"names": ["client"], "compress": False}]}],
            "database": {"name": "sqlite3", "args": {"database": folder + "/homeserver.db"}},
            "registration_shared_secret": self.secret, "enable_registration": False,
            "macaroon_secret_key": secrets.token_hex(16), "form_secret": secrets.token_hex(16),
            "trusted_key_servers": [], "suppress_key_server_warning": True, "federation_domain_whitelist": [],
            "presence": {"enabled": False}, "enable_metrics": False, "url_preview_enabled": False,
            # Registration hashes the password with bcrypt: 4 rounds instead of 12 saves seconds of set-up.
            "bcrypt_rounds": 4,
            **relaxed_limits(),
        }
        self.config_path = os.path.join(folder, "homeserver.yaml")
        with open(self.config_path, "w") as f:
            json.dump(config, f, indent=2)
        seed = secrets.token_bytes(32)   # a signing key in Synapse's format, without a second Python start
        with open(os.path.join(folder, "signing.key"), "w") as f:
            f.write("ed25519 a_bench " + base64.b64encode(seed).decode().rstrip("=") + "\n")
        self.proc = None

    def start(self):
        self.proc = self.procs.start([self.python, "-m", "synapse.app.homeserver", "-c", self.config_path],
                                     self.log_path)
        probe = Client(self.base)
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"matrix-bench: Synapse exited with status {self.proc.returncode}: "
                                 + self.log_tail())
            try:
                probe.call("GET", "/_matrix/client/versions")
                probe.close()
                return
            except (OSError, HTTPFailure, http.client.HTTPException):
                probe.close()
                time.sleep(0.05)
        raise SystemExit("matrix-bench: Synapse did not answer /_matrix/client/versions: " + self.log_tail())

    def log_tail(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()[-3000:].replace(self.secret, "***")
        except OSError:
            return ""

    def register(self, name):
        c = Client(self.base)
        nonce = c.call("GET", "/_synapse/admin/v1/register")["nonce"]
        mac = hmac.new(self.secret.encode(), b"\0".join([nonce.encode(), name.encode(), PASSWORD.encode(),
                                                          b"notadmin"]), hashlib.sha1).hexdigest()
        r = c.call("POST", "/_synapse/admin/v1/register",
                   {"nonce": nonce, "username": name, "password": PASSWORD, "mac": mac, "admin": False})
        c.close()
        return Client(self.base, r["user_id"], r["access_token"])

    def create_room(self, creator, members, name):
        room_id = creator.call("POST", "/_matrix/client/v3/createRoom",
                               {"preset": "private_chat", "name": name,
                                "invite": [m.user_id for m in members if m is not creator]})["room_id"]
        for m in members:
            if m is not creator:
                m.call("POST", f"/_matrix/client/v3/join/{q(room_id)}", {})
        return room_id


# --------------------------------------------------------------------------------------------------------------
# Phase 1 and 2: Synapse alone


def wait_for_event(client, since, room_id, match, timeout=30):
    """Reads /sync responses (the first request already started) until an event `match`es; returns
    (event, next_batch). The caller started the first /sync with `client.start`."""
    deadline = time.time() + timeout
    while True:
        sync = client.finish("GET", "/sync")
        since = sync["next_batch"]
        for rid, event, _ in timeline_events(sync):
            if rid == room_id and match(event):
                return event, since
        if time.time() > deadline:
            raise SystemExit("matrix-bench: the awaited event never came")
        client.start("GET", client.sync_path(since, 30000, [room_id]))


def settle():
    """Gives a /sync just sent time to reach Synapse and block before the message it waits for is sent."""
    time.sleep(0.02)


def phase_sync_latency(a, b, room_id, n):
    a, b = a.clone(), b.clone()
    since = b.current_batch([room_id])
    a.send(room_id, {"msgtype": "m.text", "body": "warm-up"})
    times, puts, delivers = [], [], []
    for i in range(n + 3):
        b.start("GET", b.sync_path(since, 30000, [room_id]))
        settle()
        body = f"latency {i} {secrets.token_hex(4)}"
        t0 = time.perf_counter()
        a.send(room_id, {"msgtype": "m.text", "body": body})
        t1 = time.perf_counter()
        event, since = wait_for_event(b, since, room_id, lambda e: e.get("content", {}).get("body") == body)
        t2, wall = time.perf_counter(), time.time()
        if i >= 3:  # three warm-up rounds
            times.append(t2 - t0)
            puts.append(t1 - t0)
            # From the event's creation (Synapse's clock, the same machine's) to B's /sync returning it.
            delivers.append(wall - event["origin_server_ts"] / 1000)
    a.close(), b.close()
    return {**quantiles_ms(times), "put": quantiles_ms(puts), "deliver": quantiles_ms(delivers)}


def phase_ceiling(senders, b, rooms, duration, synapse_pid):
    """`senders` send round-robin into `rooms` (sender i into room i mod len(rooms)); b is in every room."""
    b = b.clone()
    since = b.current_batch(rooms)
    marker = "ceiling-" + secrets.token_hex(4)
    state = {"stop": False, "received": 0, "last": None, "limited": 0, "accepted": 0, "errors": 0}
    lock = threading.Lock()
    expected_total = [None]

    def receiver():
        nonlocal since
        while True:
            sync = b.call("GET", b.sync_path(since, 2000, rooms))
            since = sync["next_batch"]
            now = time.perf_counter()
            for rid, event, limited in timeline_events(sync):
                if limited:
                    state["limited"] += 1
                if event.get("content", {}).get("body", "").startswith(marker):
                    state["received"] += 1
                    state["last"] = now
            total = expected_total[0]
            if total is not None and (state["received"] >= total or now > state["drain_deadline"]):
                return

    def sender(client, room_id):
        client = client.clone()
        i = 0
        while not state["stop"]:
            i += 1
            try:
                client.send(room_id, {"msgtype": "m.text", "body": f"{marker} {client.user_id} {i}"})
                with lock:
                    state["accepted"] += 1
            except (HTTPFailure, OSError, http.client.HTTPException):
                with lock:
                    state["errors"] += 1
        client.close()

    rt = threading.Thread(target=receiver, daemon=True)
    rt.start()
    settle()
    cpu0 = cpu_seconds(synapse_pid)
    t0 = time.perf_counter()
    threads = [threading.Thread(target=sender, args=(s, rooms[i % len(rooms)]), daemon=True)
               for i, s in enumerate(senders)]
    for t in threads:
        t.start()
    time.sleep(duration)
    state["stop"] = True
    for t in threads:
        t.join()
    t_sent = time.perf_counter()
    state["drain_deadline"] = time.perf_counter() + 30
    expected_total[0] = state["accepted"]
    rt.join(40)
    cpu1 = cpu_seconds(synapse_pid)
    b.close()
    last = state["last"] or t_sent
    return {
        "senders": len(senders), "rooms": len(rooms), "duration_s": duration, "accepted": state["accepted"], "errors": state["errors"],
        "delivered": state["received"], "limited_syncs": state["limited"],
        "accepted_per_s": state["accepted"] / (t_sent - t0),
        "delivered_per_s": state["received"] / (last - t0),
        "synapse_cpu_ms_per_message": (cpu1 - cpu0) * 1000 / max(state["accepted"], 1),
        "synapse_busy": (cpu1 - cpu0) / (time.perf_counter() - t0),
    }


# --------------------------------------------------------------------------------------------------------------
# Phase 3 and 4 (and 5): a bot's command → reply loop


class BotUnderTest:
    """What the command loops need to know of a bot: its user, how to word a command, and a reply's test."""

    def __init__(self, label, user_id, mention):
        self.label, self.user_id, self.mention = label, user_id, mention

    def command(self, query):
        return f"{self.mention} campaign {query}"

    def is_reply(self, event):
        return (event.get("sender") == self.user_id and event.get("type") == "m.room.message"
                and event.get("content", {}).get("msgtype") == "m.notice")


def wait_until_answering(bot, member, room_id, timeout):
    """A fresh bot ignores what came before its first /sync: a lookup, re-sent once a second, until one is answered;
    then until no reply came for 2 s (the pings still in flight answered), so no late reply to a ping reaches the
    measurements. Returns the seconds to the first answer, or None."""
    c, pinger = member.clone(), member.clone()
    since = c.current_batch([room_id])
    start = time.time()
    next_ping, answered_at, last_reply = 0, None, None
    while time.time() < start + timeout:
        if answered_at is None and time.time() >= next_ping:
            pinger.send(room_id, {"msgtype": "m.text", "body": bot.command("spring")})
            next_ping = time.time() + 1
        sync = c.call("GET", c.sync_path(since, 500, [room_id]))
        since = sync["next_batch"]
        if any(bot.is_reply(event) for _, event, _ in timeline_events(sync)):
            last_reply = time.time()
            if answered_at is None:
                answered_at = last_reply - start
        if last_reply is not None and time.time() > last_reply + 2:
            break
    c.close(), pinger.close()
    return answered_at


def phase_bot_latency(bot, member, room_id, n):
    """One command at a time: the member's /sync is already blocked when the command goes out."""
    sender, syncer = member.clone(), member.clone()
    since = syncer.current_batch([room_id])
    times, turnarounds, wrong, samples = [], [], [], []
    for i in range(n + 3):
        query, expect = LOOKUPS[i % len(LOOKUPS)]
        syncer.start("GET", syncer.sync_path(since, 30000, [room_id]))
        settle()
        t0 = time.perf_counter()
        event_id = sender.send(room_id, {"msgtype": "m.text", "body": bot.command(query)})
        command_ts = []

        def match(e):
            if e.get("event_id") == event_id:
                command_ts.append(e["origin_server_ts"])
            return bot.is_reply(e) and in_reply_to(e) in (None, event_id)
        reply, since = wait_for_event(syncer, since, room_id, match)
        elapsed = time.perf_counter() - t0
        if i >= 3 and command_ts:
            # Synapse's timestamps: the command event's creation to the reply event's.
            turnarounds.append((reply["origin_server_ts"] - command_ts[0]) / 1000)
        body = reply.get("content", {}).get("body", "")
        if expect not in body or (in_reply_to(reply) not in (None, event_id)):
            wrong.append({"command": bot.command(query), "reply": body[:300]})
        if len(samples) < 2:
            samples.append({"command": bot.command(query), "reply": body[:400], "in_reply_to": in_reply_to(reply)})
        if i >= 3:
            times.append(elapsed)
    sender.close(), syncer.close()
    return {**quantiles_ms(times), "turnaround": quantiles_ms(turnarounds), "wrong": wrong, "samples": samples}


def phase_bot_load(bot, lanes, observer, rooms, duration):
    """`lanes`: [(member client, room id)]: each lane one command outstanding at a time, for `duration` seconds.
    The observer (the bot's own account, so that it sees Tandem's transaction ids) syncs and matches the bot's
    replies to commands."""
    obs = observer.clone()
    since = obs.current_batch(rooms)
    lock = threading.Condition()
    commands = {}          # event id → {"room", "expect", "replies": [bodies], "sent"}
    fifo = {r: [] for r in rooms}   # per room, command event ids in Synapse's order (for bots without in_reply_to)
    early = {}             # event id → replies that came before the sender knew its event id
    command_ts = {}        # command event id → its origin_server_ts
    reply_ts = {}          # command event id → (its first reply's origin_server_ts, when the observer saw it)
    state = {"stop": False, "done": False, "replies": 0, "unmatched": [], "limited": 0, "last": None,
             "by_relation": 0, "by_order": 0}
    prefix = bot.mention + " campaign "

    def observe():
        nonlocal since
        while not state["done"]:
            sync = obs.call("GET", obs.sync_path(since, 1000, rooms))
            since = sync["next_batch"]
            now = time.perf_counter()
            with lock:
                for rid, event, limited in timeline_events(sync):
                    if limited:
                        state["limited"] += 1
                    content = event.get("content", {})
                    if bot.is_reply(event):
                        target, part = answered_command(event)
                        if target:
                            state["by_relation"] += 1
                            if target in fifo.get(rid, []):
                                fifo[rid].remove(target)
                        else:
                            state["by_order"] += 1
                            target = fifo[rid].pop(0) if fifo.get(rid) else None
                        state["replies"] += 1
                        state["last"] = now
                        reply = (part, content.get("body", ""))
                        reply_ts[target] = (event.get("origin_server_ts"), now)
                        if target is None:
                            state["unmatched"].append(reply[1][:200])
                        elif target in commands:
                            commands[target]["replies"].append(reply)
                        else:
                            early.setdefault(target, []).append(reply)
                    elif event.get("sender") != bot.user_id and content.get("body", "").startswith(prefix):
                        fifo[rid].append(event["event_id"])
                        command_ts[event["event_id"]] = event.get("origin_server_ts")
                lock.notify_all()

    def lane(member, room_id, index):
        c = member.clone()
        i = index
        while not state["stop"]:
            query, expect = LOOKUPS[i % len(LOOKUPS)]
            i += 1
            t0 = time.perf_counter()
            try:
                event_id = c.send(room_id, {"msgtype": "m.text", "body": bot.command(query)})
            except (HTTPFailure, OSError, http.client.HTTPException) as e:
                log("lane send failed:", e)
                continue
            with lock:
                record = {"room": room_id, "expect": expect, "replies": early.pop(event_id, []), "sent": t0,
                          "put": time.perf_counter() - t0}
                commands[event_id] = record
                deadline = time.time() + 30
                while not record["replies"] and time.time() < deadline and not state["done"]:
                    lock.wait(0.5)
                if not record["replies"]:
                    log(f"lane {index}: no reply to {event_id} within 30 s")
                    return
        c.close()

    ot = threading.Thread(target=observe, daemon=True)
    ot.start()
    settle()
    t0 = time.perf_counter()
    threads = [threading.Thread(target=lane, args=(m, r, i), daemon=True) for i, (m, r) in enumerate(lanes)]
    for t in threads:
        t.start()
    time.sleep(duration)
    state["stop"] = True
    for t in threads:
        t.join(40)
    t_end = time.perf_counter()
    time.sleep(2)   # late duplicates
    state["done"] = True
    ot.join(5)
    obs.close()
    sent = len(commands)
    missing = sum(1 for r in commands.values() if not r["replies"])
    # A reply may come in parts (Tandem's txn ids count them); the same part twice is a reply sent twice.
    duplicated = sum(1 for r in commands.values() if len({p for p, _ in r["replies"]}) < len(r["replies"]))
    wrong = [{"expect": r["expect"], "reply": r["replies"][0][1][:200]} for r in commands.values()
             if r["replies"] and r["expect"] not in " ".join(b for _, b in r["replies"])]
    answered = sent - missing
    totals = [reply_ts[e][1] - r["sent"] for e, r in commands.items() if e in reply_ts]
    turnarounds = [(reply_ts[e][0] - command_ts[e]) / 1000 for e in commands
                   if e in reply_ts and command_ts.get(e) and reply_ts[e][0]]
    return {
        "latency": quantiles_ms(totals), "put": quantiles_ms([r["put"] for r in commands.values()]),
        "turnaround": quantiles_ms(turnarounds),
        "lanes": len(lanes), "rooms": len(rooms), "duration_s": duration, "commands": sent, "answered": answered,
        "replies_seen": state["replies"], "missing": missing, "duplicated": duplicated, "wrong": len(wrong),
        "wrong_samples": wrong[:3], "unmatched": len(state["unmatched"]), "limited_syncs": state["limited"],
        "matched_by_relation": state["by_relation"], "matched_by_order": state["by_order"],
        "commands_per_s": answered / (t_end - t0),
        "ok": missing == 0 and duplicated == 0 and not wrong and not state["unmatched"],
    }


# --------------------------------------------------------------------------------------------------------------
# The reference bot: `matrix-bench.py --echo-worker BASE USER_ID` with its token in ECHO_TOKEN.


def echo_worker(base, user_id):
    c = Client(base, user_id, os.environ["ECHO_TOKEN"])
    sender = c.clone()
    since = c.current_batch()   # never answer history
    mention = "@" + user_id.split(":")[0].lstrip("@") + " "
    while True:
        sync = c.call("GET", c.sync_path(since, 30000))
        since = sync["next_batch"]
        for room_id, event, _ in timeline_events(sync):
            body = event.get("content", {}).get("body", "")
            if event.get("sender") == user_id or event.get("type") != "m.room.message" or not body.startswith(mention):
                continue
            sender.send(room_id, {"msgtype": "m.notice", "body": "echo: " + body[len(mention):] + echo_expect(body),
                                  "m.relates_to": {"m.in_reply_to": {"event_id": event["event_id"]}}})


def echo_expect(body):
    """What the checks look for in a lookup's reply: the campaign's name, as Tandem would answer."""
    for query, expect in LOOKUPS:
        if body.endswith(" " + query):
            return " → " + expect
    return ""


# --------------------------------------------------------------------------------------------------------------
# Tandem


def tandem_config(synapse, rooms, team, campaigns_path):
    config = json.loads(json.dumps(team))
    config["transport"] = {"type": "matrix", "homeserver": synapse.base, "tokenEnv": "TANDEM_TOKEN",
                           "allowInvitesFrom": [f"@{team['team']['members'][0]['id']}:{SERVER_NAME}"]}
    config["bot"] = {"names": ["tandem"], "prefixes": ["!"]}
    for member in config["team"]["members"]:
        member["id"] = f"@{member['id']}:{SERVER_NAME}"
    config["team"]["jointChannel"] = rooms["joint"]
    config["team"]["salesChannel"] = rooms["sales"]
    config["seedCampaigns"] = campaigns_path
    return config


def machine():
    try:
        with open("/proc/cpuinfo") as f:
            model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
    except OSError:
        model = ""
    try:
        rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True).stdout.strip()
    except OSError:
        rev = ""
    return {"cores": os.cpu_count(), "cpu": model, "kernel": platform.release(), "load": os.getloadavg(),
            "python": platform.python_version(), "git": rev}


def fmt(x, digits=1):
    return "–" if x is None or x != x else f"{x:,.{digits}f}"


def print_table(r):
    s, c = r.get("sync_latency"), r.get("ceiling")
    print(f"\n## Tandem on Matrix (Synapse {r.get('synapse_version', '?')}), {r['machine']['cores']} cores, "
          f"load {r['machine']['load'][0]:.2f} at start, {r['machine'].get('load_end', [0])[0]:.2f} at end\n")
    print("| figure | p50 | p90 | p99 | n | notes |")
    print("|---|---|---|---|---|---|")
    if s:
        print(f"| Synapse send → /sync (ms) | {fmt(s['p50'])} | {fmt(s['p90'])} | {fmt(s['p99'])} | {s['n']} | "
              f"max {fmt(s['max'])}; the PUT alone p50 {fmt(s['put']['p50'])}, p99 {fmt(s['put']['p99'])} |")
        d = s["deliver"]
        print(f"| Synapse event created → /sync returns it (ms) | {fmt(d['p50'])} | {fmt(d['p90'])} | {fmt(d['p99'])} "
              f"| {d['n']} | from the event's origin_server_ts (1 ms resolution) |")
    for key, label in (("tandem", "Tandem"), ("echo", "echo bot (Python)")):
        b = r.get(key)
        if not b or "latency" not in b:
            continue
        lat = b["latency"]
        print(f"| {label} command → reply (ms) | {fmt(lat['p50'])} | {fmt(lat['p90'])} | {fmt(lat['p99'])} | "
              f"{lat['n']} | max {fmt(lat['max'])}; {len(lat['wrong'])} wrong replies |")
        if s:
            add = b["added"]
            print(f"| {label} added ≈ total − 2 × send→sync (ms) | {fmt(add['p50'])} | {fmt(add['p90'])} | "
                  f"{fmt(add['p99'])} | | an estimate (see the script's docstring) |")
            ta, add2 = lat["turnaround"], b["added_by_timestamps"]
            print(f"| {label} command event → reply event, Synapse's timestamps (ms) | {fmt(ta['p50'])} | "
                  f"{fmt(ta['p90'])} | {fmt(ta['p99'])} | {ta['n']} | one hop to the bot + the bot + its PUT |")
            print(f"| {label} added ≈ that − (event created → /sync) (ms) | {fmt(add2['p50'])} | {fmt(add2['p90'])} | "
                  f"{fmt(add2['p99'])} | | the second estimate (see the docstring) |")
    print()
    print("| throughput | value | notes |")
    print("|---|---|---|")
    if c:
        print(f"| Synapse ceiling, delivered to one /sync (messages/s) | {fmt(c['delivered_per_s'])} | "
              f"{c['senders']} senders in {c['rooms']} room(s) × {c['duration_s']} s; accepted {fmt(c['accepted_per_s'])}/s; "
              f"{c['delivered']}/{c['accepted']} delivered; {fmt(c['synapse_cpu_ms_per_message'])} ms Synapse CPU "
              f"per message, Synapse busy {fmt(c['synapse_busy'], 2)} cores; {c['errors']} errors |")
    for key, label in (("tandem", "Tandem"), ("echo", "echo bot (Python)")):
        b = r.get(key)
        if not b or "load" not in b:
            continue
        ld = b["load"]
        share = b.get("share")
        print(f"| {label} sustained (commands/s) | {fmt(ld['commands_per_s'])} | {ld['lanes']} lanes (member, room) "
              f"in {ld['rooms']} rooms × {ld['duration_s']} s; {ld['answered']}/{ld['commands']} answered, "
              f"{ld['duplicated']} twice, {ld['wrong']} wrong, {ld['unmatched']} unmatched replies; matched by "
              f"in_reply_to or txn id {ld['matched_by_relation']}, by order {ld['matched_by_order']}; "
              f"{fmt(ld.get('synapse_cpu_ms_per_command'))} ms Synapse CPU, "
              f"{fmt(ld.get('bot_cpu_ms_per_command'))} ms bot CPU per command; busy: Synapse "
              f"{fmt(ld.get('synapse_busy'), 2)}, bot {fmt(ld.get('bot_busy'), 2)} cores; per command p50/p99: "
              f"command → reply {fmt(ld['latency']['p50'], 0)}/{fmt(ld['latency']['p99'], 0)} ms, of it the "
              f"command's PUT {fmt(ld['put']['p50'], 0)}/{fmt(ld['put']['p99'], 0)} ms and command event → reply "
              f"event {fmt(ld['turnaround']['p50'], 0)}/{fmt(ld['turnaround']['p99'], 0)} ms |")
        if share is not None:
            print(f"| {label} share = 2 × commands/s ÷ ceiling | {fmt(share, 2)} | each command is two messages "
                  f"(command + reply); near 1 = Synapse is the limit |")
    if r.get("phases"):
        print("\nThe whole machine's CPU (all cores, every process) during each phase: " + "; ".join(
            f"{name} {p['machine_busy'] * 100:.0f} % busy, {p['steal'] * 100:.0f} % stolen, this driver "
            f"{p['driver_cores']:.2f} cores ({p['seconds']} s)"
            for name, p in r["phases"].items()))
    for note in r.get("notes", []):
        print(f"\nNote: {note}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/tandem"))
    parser.add_argument("--synapse-venv", default=None,
                        help="the venv with Synapse (.venv-synapse of this checkout, else /work/main's)")
    parser.add_argument("--n", type=int, default=200, help="messages / commands of each latency phase (200)")
    parser.add_argument("--duration", type=float, default=10, help="seconds of each throughput phase (10)")
    parser.add_argument("--senders", type=int, default=4, help="sender threads of the ceiling phase (4)")
    parser.add_argument("--ceiling-rooms", type=int, default=1,
                        help="rooms the ceiling's senders spread over (1)")
    parser.add_argument("--window", type=int, default=12,
                        help="lanes (commands outstanding) of the sustained phase (12: 6 members × 2 rooms)")
    parser.add_argument("--rooms", type=int, default=2,
                        help="rooms of the sustained phase (2: the team's two channels; more are extra rooms with "
                             "the whole team and the bot; a bot answers a room in order, one reply in flight)")
    parser.add_argument("--quick", action="store_true", help="N=30, D=3: a smoke check")
    parser.add_argument("--skip-tandem", action="store_true")
    parser.add_argument("--skip-echo", action="store_true")
    parser.add_argument("--json", default=None, help="write every figure here")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (configs, logs)")
    parser.add_argument("--echo-worker", nargs=2, metavar=("BASE", "USER_ID"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.echo_worker:
        echo_worker(*args.echo_worker)
        return 0
    if args.quick:
        args.n, args.duration = 30, 3
    venv = args.synapse_venv
    if venv is None:
        venv = os.path.join(ROOT, ".venv-synapse")
        if not os.path.exists(os.path.join(venv, "bin", "python")) and os.path.exists("/work/main/.venv-synapse"):
            venv = "/work/main/.venv-synapse"
    if not args.skip_tandem and not os.access(args.binary, os.X_OK):
        raise SystemExit(f"matrix-bench: {args.binary} is missing: `swift build -c release --product tandem`, "
                         "--binary FILE, or --skip-tandem")

    with open(os.path.join(ROOT, "Config", "local.json")) as f:
        local = json.load(f)
    team_ids = [m["id"] for m in local["team"]["members"]]
    folder = tempfile.mkdtemp(prefix="tandem-matrix-bench-")
    procs = Processes()

    def on_signal(signum, frame):
        raise SystemExit(f"matrix-bench: stopped by signal {signum}")
    signal.signal(signal.SIGTERM, on_signal)

    results = {"machine": machine(), "args": vars(args), "notes": []}
    clock = PhaseClock()
    results["phases"] = clock.phases
    failed = False
    try:
        synapse = Synapse(procs, venv, folder)
        results["synapse_version"] = subprocess.run(
            [synapse.python, "-c", "import synapse; print(synapse.__version__)"], capture_output=True,
            text=True).stdout.strip()
        log(f"starting Synapse {results['synapse_version']} on {synapse.base} in {folder}")
        t = time.time()
        synapse.start()
        log(f"Synapse ready in {time.time() - t:.1f} s; registering users")
        users = {name: synapse.register(name) for name in team_ids + ["tandem", "echo"]}
        members = [users[name] for name in team_ids]
        a, b = members[0], members[1]
        senders = [members[(2 + i) % len(members)] for i in range(args.senders)]
        bench_room = synapse.create_room(a, members, "synapse-bench")
        ceiling_rooms = [bench_room] + [synapse.create_room(a, members, f"synapse-bench-{i}")
                                        for i in range(1, args.ceiling_rooms)]

        log(f"phase 1: Synapse send → /sync latency, {args.n} messages")
        results["sync_latency"] = clock.run("sync-latency", phase_sync_latency, a, b, bench_room, args.n)
        log(f"  p50 {results['sync_latency']['p50']:.1f} ms")
        log(f"phase 2: Synapse ceiling, {args.senders} senders × {args.duration} s")
        results["ceiling"] = clock.run("ceiling", phase_ceiling, senders, b, ceiling_rooms, args.duration,
                                       synapse.proc.pid)
        log(f"  {results['ceiling']['delivered_per_s']:.1f} messages/s delivered")
        sync_p = results["sync_latency"]
        ceiling = results["ceiling"]["delivered_per_s"]

        def bot_phases(key, bot, bot_user, bot_proc, rooms):
            out = {}
            log(f"phase {key}-latency: {args.n} commands, one at a time")
            lat = clock.run(f"{key}-latency", phase_bot_latency, bot, members[1], rooms[0], args.n)
            out["latency"] = lat
            out["added"] = {p: lat[p] - 2 * sync_p[p] for p in ("p50", "p90", "p99")}
            out["added_by_timestamps"] = {p: lat["turnaround"][p] - sync_p["deliver"][p] for p in ("p50", "p90", "p99")}
            log(f"  p50 {lat['p50']:.1f} ms, added ≈ {out['added']['p50']:.1f} ms")
            lanes = [(members[(i // len(rooms)) % len(members)], rooms[i % len(rooms)]) for i in range(args.window)]
            log(f"phase {key}-load: {len(lanes)} lanes × {args.duration} s")
            cpu_s0, cpu_b0, w0 = cpu_seconds(synapse.proc.pid), cpu_seconds(bot_proc.pid), time.perf_counter()
            ld = clock.run(f"{key}-load", phase_bot_load, bot, lanes, bot_user, rooms, args.duration)
            cpu_s1, cpu_b1, w1 = cpu_seconds(synapse.proc.pid), cpu_seconds(bot_proc.pid), time.perf_counter()
            ld["synapse_busy"] = (cpu_s1 - cpu_s0) / (w1 - w0)
            ld["bot_busy"] = (cpu_b1 - cpu_b0) / (w1 - w0)
            ld["synapse_cpu_ms_per_command"] = (cpu_s1 - cpu_s0) * 1000 / max(ld["answered"], 1)
            ld["bot_cpu_ms_per_command"] = (cpu_b1 - cpu_b0) * 1000 / max(ld["answered"], 1)
            out["load"] = ld
            out["share"] = 2 * ld["commands_per_s"] / ceiling if ceiling else None
            log(f"  {ld['commands_per_s']:.1f} commands/s, share {out['share']:.2f}, ok={ld['ok']}")
            return out, (not ld["ok"]) or bool(lat["wrong"])

        if not args.skip_tandem:
            bot_user = users["tandem"]
            rooms = {"joint": synapse.create_room(a, members + [bot_user], "marketing-sales"),
                     "sales": synapse.create_room(a, members + [bot_user], "sales")}
            config = tandem_config(synapse, rooms, local, os.path.join(ROOT, "Config", "sample-campaigns.json"))
            config_path = os.path.join(folder, "tandem.json")
            with open(config_path, "w") as f:
                json.dump(config, f, indent=2)
            state = os.path.join(folder, "tandem-state")
            os.makedirs(state, mode=0o700)
            env = dict(os.environ, TANDEM_TOKEN=bot_user.token)
            log(f"starting Tandem ({args.binary})")
            tandem = procs.start([args.binary, "run", "--config", config_path, "--state", state,
                                  "--log-level", "warning"], os.path.join(folder, "tandem.log"), env=env)
            bot = BotUnderTest("tandem", bot_user.user_id, "@tandem")
            answered = wait_until_answering(bot, members[1], rooms["joint"], 60)
            if answered is None:
                tail = open(os.path.join(folder, "tandem.log"), errors="replace").read()[-2000:]
                raise SystemExit(f"matrix-bench: Tandem did not answer within 60 s "
                                 f"(exit status {tandem.poll()}): {tail}")
            log(f"Tandem answered its first command {answered:.1f} s after it was started")
            results["tandem_first_answer_s"] = answered
            load_rooms = [rooms["joint"], rooms["sales"]] + [
                synapse.create_room(a, members + [bot_user], f"extra-{k}") for k in range(2, args.rooms)]
            results["tandem"], bad = bot_phases("tandem", bot, bot_user, tandem, load_rooms)
            failed |= bad
            procs.stop(tandem)

        if not args.skip_echo:
            echo_user = users["echo"]
            rooms = [synapse.create_room(a, members + [echo_user], f"echo-{k}") for k in range(max(args.rooms, 1))]
            env = dict(os.environ, ECHO_TOKEN=echo_user.token)
            echo = procs.start([sys.executable, os.path.abspath(__file__), "--echo-worker", synapse.base,
                                echo_user.user_id], os.path.join(folder, "echo.log"), env=env)
            bot = BotUnderTest("echo", echo_user.user_id, "@echo")
            if wait_until_answering(bot, members[1], rooms[0], 60) is None:
                raise SystemExit("matrix-bench: the echo bot did not answer within 60 s")
            results["echo"], bad = bot_phases("echo", bot, echo_user, echo, rooms)
            failed |= bad
            procs.stop(echo)
        results["notes"].append(
            "added ≈ total − 2 × Synapse's send→sync at the same percentile: the two /sync hops of a command and "
            "its reply are estimated by phase 1's bare hop; see the script's docstring.")
        results["notes"].append(
            "Synapse (one Python process, its work under one interpreter lock, its SQLite database on one "
            "connection) cannot use much more than one core and may be limited below it by its database, so "
            "'busy' is how much of a core it used, not how close it was to its limit; the share compares with one "
            "ceiling run, which moves by ±30 %.")
        results["notes"].append(
            f"all processes (Synapse, the bot, this driver) share the machine's {os.cpu_count()} cores, so each "
            "phase's figure includes the driver's own CPU.")
    finally:
        results["machine"]["load_end"] = os.getloadavg()
        procs.stop_all()
        if args.keep:
            log(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print_table(results)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2, ensure_ascii=False)
        log(f"wrote {args.json}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
