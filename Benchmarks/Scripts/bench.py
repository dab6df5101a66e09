#!/usr/bin/env python3
"""End-to-end benchmark of Tandem as it is deployed: the endpoint and the bot as separate processes of the release
binary, driven through protocol v1 by several members in several channels, with peer bots (Errbot, opsdroid) fed
the same campaign lookups side by side.

    swift build -c release --product tandem
    python3 Benchmarks/Scripts/bench.py [--binary .build/release/tandem] [--quick] [--skip-peers]
                                        [--duration S] [--n N] [--rate R] [--json FILE] [--driver compiled|python]

Run from the repository root (it reads Config/local.json and Config/sample-campaigns.json). The Tandem part is
Python stdlib only (its driver processes are Benchmarks' compiled tandem-load by default, built if needed, or the
Python worker below with --driver python); the peers are installed by this script into venvs under .build-bench/
(ignored by git). Benchmarks/README.md says what every figure means. Phases, in this order:

  validate        every lookup and question of the mix once, one at a time; every reply checked (a usage or error
                  answer stops the run)
  idle            RSS and CPU of endpoint and bot over a few seconds with long polls open
  closed          one command outstanding at a time, full mix: latency p50/p99/p99.9
  open            as fast as possible with a window of outstanding commands: replies/s; every command must get
                  exactly one reply (none missing, none duplicated)
  lookups         the open loop with the campaign lookups only: the stream the peers are fed too
  lookups-closed  one lookup at a time, for the peers' one-at-a-time latency
  paced           --rate commands/s on the clock (open-loop arrival): latency from the scheduled time
  paced-half      only if --rate is beyond what the open loop sustained: the same at half that rate
"""
import argparse, json, multiprocessing, os, platform, random, re, resource, shutil, signal, socket, statistics
import queue, subprocess, sys, tempfile, threading, time, zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
BOT_ID = "tandem"

# --------------------------------------------------------------------------------------------------------------
# HTTP/1.1 keep-alive over a raw socket: one request at a time per connection, Nagle off.


class HTTPError(Exception):
    pass


class Conn:
    def __init__(self, host, port, token, timeout=90):
        self.host, self.port, self.token, self.timeout = host, port, token, timeout
        self.sock = None
        self.buf = b""

    def _connect(self):
        self.sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def close(self):
        if self.sock:
            try:
                self.sock.close()
            except OSError:
                pass
        self.sock = None

    def request(self, method, path, body=None):
        """Returns (status, body bytes). Reconnects once if a kept-alive connection was closed by the server."""
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        if data is not None:
            headers["Content-Type"] = "application/json"
        return self.exchange(method, path, headers, data)

    def exchange(self, method, path, headers, data=None):
        """Sends `data` (bytes) with `headers` (a dict) as they are; returns (status, body bytes). Reconnects once if a
        kept-alive connection was closed by the server."""
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        if data is not None:
            head += f"Content-Length: {len(data)}\r\n\r\n"
            raw = head.encode() + data
        else:
            raw = (head + "\r\n").encode()
        for attempt in (0, 1):
            if self.sock is None:
                self._connect()
            try:
                self.sock.sendall(raw)
                return self._read()
            except (ConnectionError, HTTPError) as error:
                self.close()
                if attempt or method == "POST" and not isinstance(error, ConnectionResetError):
                    raise
            except OSError:
                self.close()
                raise

    def _fill(self):
        chunk = self.sock.recv(262144)
        if not chunk:
            raise ConnectionResetError("connection closed by the server")
        self.buf += chunk

    def _read(self):
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end >= 0:
                break
            self._fill()
        head = self.buf[:end].decode("latin-1").split("\r\n")
        self.buf = self.buf[end + 4:]
        try:
            status = int(head[0].split(" ", 2)[1])
        except (IndexError, ValueError):
            raise HTTPError(f"not an HTTP response: {head[0]!r}")
        headers = {}
        for line in head[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                while b"\r\n" not in self.buf:
                    self._fill()
                line, _, self.buf = self.buf.partition(b"\r\n")
                size = int(line.split(b";")[0], 16)
                while len(self.buf) < size + 2:
                    self._fill()
                body += self.buf[:size]
                self.buf = self.buf[size + 2:]
                if size == 0:
                    break
        else:
            length = int(headers.get("content-length", "0"))
            while len(self.buf) < length:
                self._fill()
            body, self.buf = self.buf[:length], self.buf[length:]
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, body

    def json(self, method, path, body=None):
        status, data = self.request(method, path, body)
        if status != 200:
            raise HTTPError(f"{method} {path.split('?')[0]} as {self.token.split('-')[0]}-…: {status} {data[:300]!r}")
        return json.loads(data)


# --------------------------------------------------------------------------------------------------------------
# The command mix. Each member posts only what its roles allow; handoffs are created by Marketing (and the admin)
# and moved through their transitions by the assignees and the sales lead, each step after the previous reply.

LOOKUPS_EN = ["campaign spring", "campaign roadshow", "campaign year-end upgrade", "campaign show spring-launch",
              "campaign retail", "campaign list", "campaign analytics cloud", "campaign show security-roadshow"]
LOOKUPS_DE = ["kampagne frühjahrs webinarreihe", "kampagne roadshow", "kampagne zeige fruehjahr-webinar",
              "kampagne liste", "kampagne frühjahr"]
QUESTIONS_EN = ["what's the promo code for spring?", "who owns the roadshow?", "what's the offer of the year-end upgrade?",
                "what is the one-liner of the spring launch?", "what's the offer of the security roadshow?"]
QUESTIONS_DE = ["wie lautet das Angebot der Frühjahrskampagne?", "wer ist verantwortlich für die Roadshow?",
                "was ist das Angebot des Year-End Upgrade?"]
# The commands of the peers' stream: the lookups both sides can answer (see peers/).
PEER_LOOKUPS = ["campaign spring", "campaign roadshow", "campaign year-end upgrade", "campaign show spring-launch",
                "campaign retail", "campaign list"]

MEMBERS = {  # id: (language, channels its lanes post in, what it does)
    "mia": ("de", ["marketing-sales", "dm"], {"lookup", "question", "create", "step"}),
    "leo": ("en", ["marketing-sales", "dm"], {"lookup", "question", "create", "step"}),
    "sam": ("en", ["sales", "marketing-sales", "dm"], {"lookup", "question", "step", "mine"}),
    "jonas": ("de", ["sales", "dm"], {"lookup", "question", "step", "mine"}),
    "priya": ("en", ["sales", "marketing-sales", "dm"], {"lookup", "question", "step", "open"}),
    "alex": ("en", ["marketing-sales", "dm"], {"lookup", "question", "create", "step"}),
}
# Worker groups: a handoff's whole life stays inside one group (so inside one driver process).
GROUPS = [["leo", "mia", "sam"], ["alex", "jonas", "priya"]]
ASSIGNEE = {"leo": "sam", "mia": "sam", "alex": "jonas"}
WEIGHTS = [("lookup", 45), ("question", 30), ("create", 15), ("mine", 2), ("open", 2)]
# A member with handoff steps waiting takes one of them with this probability instead of drawing from WEIGHTS.
STEP_SHARE = 0.5
# Texts by language: (English, German). {hid} a handoff id; {n} a lead's random hex id, {to} the assignee, {prio}.
CREATE_TEXT = (
    'handoff "Lead {n}" to @{to} company="Acme {n}" email=lead-{n}@example.com campaign=spring-launch '
    'priority={prio} score=80 consent=yes asked for a demo',
    'übergabe "Lead {n}" an @{to} company="Firma {n}" email=lead-{n}@example.com campaign=spring-launch '
    'priority={prio} score=72 consent=ja Messebesuch')
STEP_TEXTS = {
    "accept": ("handoff accept {hid}", "übergabe annehmen {hid}"),
    "reject": ("handoff reject {hid} no-fit too small", "übergabe ablehnen {hid} no-fit zu klein"),
    "won": ("handoff won {hid}", "übergabe gewonnen {hid}"),
    "lost": ("handoff lost {hid} no-budget", "übergabe verloren {hid} no-budget"),
    "recycle": ("handoff recycle {hid} budget in autumn", "übergabe zurück {hid} Budget im Herbst"),
    "reassign": ("handoff reassign {hid} to queue", "handoff reassign {hid} to queue"),
    "show": ("handoff show {hid}", "übergabe zeige {hid}"),
}
LIST_TEXTS = {"mine": ("handoffs mine", "übergaben"), "open": ("handoffs open", "handoffs open")}

OK = {  # what a good reply of each kind contains
    "lookup": re.compile(r"Offer|Angebot|Talking points|Gesprächspunkte|One-liner|Live|Geplant|Planned|Ended|Beendet|"
                         r"Owner|Verantwortlich|Objective|Ziel", re.I),
    "question": re.compile(r"\S"),
    "create": re.compile(r"`(H-\d+)`"),
    "step": re.compile(r"`H-\d+`"),
    "show": re.compile(r"`?H-\d+"),
    "mine": re.compile(r"\S"),
    "open": re.compile(r"\S"),
}
ERRORS = re.compile(
    r"Usage:|Aufruf:|Please write it as|Bitte so schreiben|Did you mean|Meintest du|I don't know|kenne ich nicht|"
    r"Ich kenne|Sorry, only|Nur |There is no|Es gibt kein|Which campaign do you mean|Welche Kampagne meinst|"
    r"cannot be|kann man es jetzt nicht|Please give a reason|Bitte nenne|Only they or|I can only hand over|"
    r"Ich übergebe nur|is not in Sales|is not a sales rep|declined this lead|could not save|Ask again with its name")


class Mix:
    """The commands one driver process posts, and the handoffs in flight between its members."""

    def __init__(self, members, seed, lookups_only=False):
        self.rng = random.Random(seed)
        self.members = members
        self.lookups_only = lookups_only
        self.lock = threading.Lock()
        self.ready = {m: [] for m in members}  # handoff steps waiting for a member: (action, id, creator)
        self.leads = 0

    def next(self, member, channel):
        """Returns (kind, text, follow-up or None)."""
        if self.lookups_only:
            return "lookup", self.rng.choice(PEER_LOOKUPS), None
        language, _, can = MEMBERS[member]
        with self.lock:
            if "step" in can and self.ready[member] and self.rng.random() < STEP_SHARE:
                action, hid, creator = self.ready[member].pop(0)
                return "step", self._step_text(member, action, hid), (action, hid, creator, member)
            while True:
                kind = self.rng.choices([k for k, _ in WEIGHTS], [w for _, w in WEIGHTS])[0]
                if kind not in can:
                    continue
                if kind == "create" and channel == "sales":
                    continue  # in the sales channel the announcement would share the command's thread
                break
            if kind == "lookup":
                return kind, self.rng.choice(LOOKUPS_DE if language == "de" else LOOKUPS_EN), None
            if kind == "question":
                return kind, self.rng.choice(QUESTIONS_DE if language == "de" else QUESTIONS_EN), None
            de = language == "de"
            if kind == "create":
                self.leads += 1
                to = ASSIGNEE[member]
                text = CREATE_TEXT[de].format(n=f"{self.rng.randrange(16**6):06x}", to=to,
                                              prio=self.rng.choice(["hot", "warm", "cool"]))
                return kind, text, ("created", None, member, to)
            return kind, LIST_TEXTS[kind][de], None

    def _step_text(self, member, action, hid):
        return STEP_TEXTS[action][MEMBERS[member][0] == "de"].format(hid=hid)

    def replied(self, follow, text):
        """Queues the next step of a handoff after the reply to its previous step."""
        if follow is None:
            return
        action, hid, creator, by = follow
        r = self.rng.random()
        with self.lock:
            if action == "created":
                m = OK["create"].search(text)
                if not m:
                    return
                hid, to = m.group(1), by
                if to == "jonas" and r < 0.2 and "priya" in self.ready:
                    self.ready["priya"].append(("reassign", hid, creator))
                elif r < 0.25:
                    self.ready[to].append(("reject", hid, creator))
                else:
                    self.ready[to].append(("accept", hid, creator))
            elif action == "reassign":
                self.ready[by].append(("accept", hid, creator))
            elif action == "accept":
                self.ready[by].append(("won" if r < 0.6 else "lost", hid, creator))
            elif action == "reject":
                self.ready[creator].append(("recycle", hid, creator))
            elif action in ("won", "lost", "recycle") and r < 0.3:
                self.ready[creator].append(("show", hid, creator))


# --------------------------------------------------------------------------------------------------------------
# One driver process: lanes post (each lane is one member in one channel, on a connection of its own), pollers read
# every member's updates and match bot replies to commands by thread.
#
# Matching: each lane chains its commands in threads. A lane's first command replies in the thread of an anchor
# message in the lane's channel (an unaddressed line the bot ignores, or in a direct channel answers unthreaded); every further command of the lane uses the id of the lane's previous
# command as its thread. Every command thus has a thread id of its own, and the bot answers in the thread of the
# message it answers, so a bot message in thread T is the reply to the one command posted with thread T.


def percentile(values, q):
    if not values:
        return None
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(q / 100 * (len(s) - 1)))))
    return s[k]


def cpu_self():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def parse_cpus(text):
    """'0-1,3' → {0, 1, 3}"""
    cpus = set()
    for part in text.split(","):
        a, _, b = part.partition("-")
        cpus.update(range(int(a), int(b or a) + 1))
    return cpus


def worker_main(spec, ready_q, go, result_q):
    try:
        if spec.get("cpus"):
            os.sched_setaffinity(0, parse_cpus(spec["cpus"]))
        result_q.put(Worker(spec).run(ready_q, go))
    except BaseException as error:  # reported, not swallowed
        import traceback
        result_q.put({"error": f"{error!r}\n{traceback.format_exc()}"})


class Worker:
    def __init__(self, spec):
        self.spec = spec
        self.host, self.port = spec["host"], spec["port"]
        self.mix = Mix(spec["members"], spec["seed"], spec.get("lookups_only", False))
        self.lock = threading.Lock()
        self.outstanding = {}  # thread id -> [t_ref, kind, text, channel, follow]
        self.completed = set()  # thread ids answered
        self.latencies = []
        self.samples = []
        self.bad = []
        self.duplicates = 0
        self.wrong_channel = 0
        self.announcements = 0
        self.posted = 0
        self.post_errors = []
        self.seen = set()
        self.window = threading.BoundedSemaphore(spec["window"]) if spec.get("window") else None
        self.stop_posting = threading.Event()
        self.stop_polling = threading.Event()
        self.all_answered = threading.Condition(self.lock)
        self.n_left = spec.get("n")
        self.last_reply = 0.0
        self.post_ms = []

    def run(self, ready_q, go):
        spec = self.spec
        members = spec["members"]
        # Pollers first: each starts "from now on", so it sees everything posted after this point.
        self.cursors = {}
        for m in members:
            c = Conn(self.host, self.port, "local-" + m)
            self.cursors[m] = (c, c.json("GET", "/updates?timeout=0&limit=1")["cursor"])
        # Lanes and their anchors.
        lanes = []
        for m in members:
            for ch in MEMBERS[m][1]:
                channel = f"dm-{m}-{BOT_ID}" if ch == "dm" else ch
                for i in range(spec["lanes_per_channel"]):
                    c = Conn(self.host, self.port, "local-" + m)
                    # In the lane's own channel: a thread is a message of the same channel (protocol v1). In a
                    # direct channel the bot answers the anchor too, outside any thread: counted as a further message.
                    anchor = c.json("POST", "/messages", {
                        "channel": channel, "text": f"(benchmark lane {spec['name']}/{m}/{ch}/{i})",
                        "idempotency_key": f"{spec['run']}-{spec['name']}-anchor-{m}-{ch}-{i}"})["id"]
                    lanes.append((m, channel, c, anchor, i))
        pollers = [threading.Thread(target=self.poll, args=(m,), daemon=True) for m in members]
        for t in pollers:
            t.start()
        ready_q.put(spec["name"])
        go.wait()
        t0 = time.time()
        cpu0 = cpu_self()
        self.t_start = time.perf_counter()
        self.t_end = self.t_start + spec["duration"] if spec.get("duration") else None
        threads = [threading.Thread(target=self.lane, args=lane, daemon=True) for lane in lanes]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        posted_until = time.perf_counter()
        with self.lock:  # until every command is answered, or no reply came for `drain` seconds
            while self.outstanding and time.perf_counter() - max(posted_until, self.last_reply) < spec["drain"]:
                self.all_answered.wait(timeout=0.2)
        last = time.perf_counter()
        self.stop_polling.set()
        for t in pollers:
            t.join(timeout=10)
        cpu1 = cpu_self()
        return {
            "name": spec["name"], "t0": t0, "posted": self.posted, "answered": len(self.latencies),
            "missing": len(self.outstanding), "missing_samples": [v[2] for v in list(self.outstanding.values())[:5]],
            "duplicates": self.duplicates, "wrong_channel": self.wrong_channel, "announcements": self.announcements,
            "latencies": self.latencies, "bad": self.bad[:20], "samples": self.samples[:40],
            "post_errors": self.post_errors[:5], "post_seconds": posted_until - self.t_start,
            "post_ms": self.post_ms,
            "seconds": (self.last_reply if self.latencies else last) - self.t_start, "cpu": cpu1 - cpu0,
        }

    def _take_slot(self):
        """The scheduled send time of the next command (paced), or now; None when the phase is over."""
        spec = self.spec
        with self.lock:
            if self.n_left is not None:
                if self.n_left <= 0:
                    return None
                self.n_left -= 1
            if spec.get("rate"):
                i = self.posted
                self.posted += 1
                t = self.t_start + i / spec["rate"]
                if self.t_end and t >= self.t_end:
                    return None
                return t
            self.posted += 1
        now = time.perf_counter()
        if self.t_end and now >= self.t_end:
            with self.lock:
                self.posted -= 1
            return None
        return now

    def lane(self, member, channel, conn, thread, index):
        spec = self.spec
        seq = 0
        while True:
            if self.window:
                while not self.window.acquire(timeout=0.5):
                    if self.t_end and time.perf_counter() >= self.t_end:
                        return
            slot = self._take_slot()
            if slot is None:
                if self.window:
                    self.window.release()
                return
            if spec.get("rate"):
                delay = slot - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
            kind, text, follow = self.mix.next(member, channel)
            if channel.startswith("dm-"):
                body_text = text
            else:
                body_text = "@tandem " + text
            seq += 1
            t_sent = time.perf_counter()
            with self.lock:
                self.outstanding[thread] = [slot if spec.get("rate") else t_sent, kind, body_text, channel, follow]
            try:
                posted = conn.json("POST", "/messages", {
                    "channel": channel, "text": body_text, "thread": thread,
                    "idempotency_key": f"{spec['run']}-{spec['name']}-{member}-{channel}-{index}-{seq}"})
            except Exception as error:
                with self.lock:
                    self.outstanding.pop(thread, None)
                    self.post_errors.append(repr(error))
                if self.window:
                    self.window.release()
                if len(self.post_errors) > 20:
                    return
                conn.close()
                continue
            thread = posted["id"]
            if len(self.post_ms) < 20000:
                self.post_ms.append((time.perf_counter() - t_sent) * 1000)

    def poll(self, member):
        conn, cursor = self.cursors[member]
        while not self.stop_polling.is_set():
            try:
                page = conn.json("GET", f"/updates?after={cursor}&timeout=1&limit=1000")
            except (OSError, HTTPError) as error:
                if self.stop_polling.is_set():
                    return
                with self.lock:
                    self.post_errors.append(f"poll: {error!r}")
                conn.close()
                time.sleep(0.05)
                continue
            now = time.perf_counter()
            cursor = page.get("cursor", cursor)
            for u in page["updates"]:
                if u["user"]["id"] != BOT_ID:
                    continue
                mid = u["id"]
                with self.lock:
                    if mid in self.seen:
                        continue
                    self.seen.add(mid)
                    thread = u.get("thread")
                    if thread is None:
                        self.announcements += 1
                        continue
                    entry = self.outstanding.pop(thread, None)
                    if entry is None:
                        if thread in self.completed:
                            self.duplicates += 1
                        continue
                    self.completed.add(thread)
                    t_ref, kind, text, channel, follow = entry
                    if u["channel"] != channel:
                        self.wrong_channel += 1
                    self.latencies.append(now - t_ref)
                    self.last_reply = now
                    reply = u["text"]
                    if len(self.samples) < 40 and len(self.latencies) % 7 == 1:
                        self.samples.append((kind, text, reply[:160]))
                    if ERRORS.search(reply) or not OK[kind].search(reply):  # every reply is checked
                        self.bad.append((kind, text, reply[:400]))
                    if not self.outstanding:
                        self.all_answered.notify_all()
                if follow is not None:
                    self.mix.replied(follow, u["text"])
                if self.window:
                    self.window.release()


# --------------------------------------------------------------------------------------------------------------
# Processes of the system under test.


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CLK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def proc_cpu(pid):
    """utime + stime of a process in seconds, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK


def proc_rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None


def loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


class Processes:
    """Every child process started, killed at exit whatever happens."""

    def __init__(self):
        self.children = []

    def start(self, args, **kw):
        p = subprocess.Popen(args, start_new_session=True, **kw)
        self.children.append(p)
        return p

    def stop(self, p, timeout=10):
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                p.wait()

    def stop_all(self):
        for p in reversed(self.children):
            self.stop(p)


class Tandem:
    """The endpoint and the bot as two processes of the release binary."""

    def __init__(self, binary, procs, workdir, cpus=None):
        self.binary, self.procs, self.workdir = binary, procs, workdir
        self.pin = ["taskset", "-c", cpus] if cpus else []
        self.state = os.path.join(workdir, "state")
        self.port = free_port()

    def start(self, log):
        config = os.path.join(ROOT, "Config", "local.json")
        self.endpoint_log = open(os.path.join(self.workdir, "endpoint.log"), "w+")
        self.endpoint = self.procs.start(
            self.pin + [self.binary, "endpoint", "--config", config, "--port", str(self.port), "--log-level", "warning"],
            stdout=subprocess.PIPE, stderr=self.endpoint_log, text=True, cwd=ROOT)
        # Ready when it prints its URL.
        found = []

        def read():
            for line in self.endpoint.stdout:
                m = re.search(r"https?://[^\s)]+", line)
                if m and not found:
                    found.append(m.group(0))
        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        deadline = time.time() + 60
        while not found:
            if self.endpoint.poll() is not None:
                raise SystemExit(f"bench: the endpoint exited with status {self.endpoint.returncode}:\n"
                                 + tail(self.endpoint_log))
            if time.time() > deadline:
                raise SystemExit("bench: the endpoint printed no URL within 60 s:\n" + tail(self.endpoint_log))
            reader.join(timeout=0.05)
        self.base = found[0].rstrip("/")
        m = re.match(r"https?://([^:/]+):(\d+)", self.base)
        self.host, self.port = m.group(1), int(m.group(2))
        # It answers.
        Conn(self.host, self.port, "local-alex").json("GET", "/channels")
        log(f"endpoint pid {self.endpoint.pid} at {self.base}")

        with open(config) as f:
            bot_config = json.load(f)
        bot_config["transport"] = {"type": "webhook", "baseURL": self.base + "/", "tokenEnv": "TANDEM_BENCH_TOKEN"}
        bot_config["seedCampaigns"] = os.path.join(ROOT, "Config", "sample-campaigns.json")
        self.bot_config = os.path.join(self.workdir, "bot.json")
        with open(self.bot_config, "w") as f:
            json.dump(bot_config, f, indent=2)
        env = dict(os.environ, TANDEM_BENCH_TOKEN="local-bot")
        self.bot_log = open(os.path.join(self.workdir, "bot.log"), "w+")
        self.bot = self.procs.start(
            self.pin + [self.binary, "run", "--config", self.bot_config, "--state", self.state, "--log-level", "warning"],
            stdout=self.bot_log, stderr=subprocess.STDOUT, env=env, cwd=self.workdir)
        # Ready when it answers a first command. Its first poll asks "from now on", so a probe posted before that
        # poll is never read: post a new probe each second until one is answered.
        probe = Conn(self.host, self.port, "local-alex")
        cursor = probe.json("GET", "/updates?timeout=0")["cursor"]
        deadline = time.time() + 120
        n = 0
        started = time.perf_counter()
        while True:
            if self.bot.poll() is not None:
                raise SystemExit(f"bench: the bot exited with status {self.bot.returncode}:\n" + tail(self.bot_log))
            if time.time() > deadline:
                raise SystemExit("bench: the bot answered no command within 120 s:\n" + tail(self.bot_log))
            n += 1
            probe.json("POST", "/messages", {"channel": f"dm-alex-{BOT_ID}", "text": "campaign spring",
                                             "idempotency_key": f"probe-{n}-{time.time()}"})
            page = probe.json("GET", f"/updates?after={cursor}&timeout=1&limit=100")
            cursor = page["cursor"]
            if any(u["user"]["id"] == BOT_ID for u in page["updates"]):
                break
        self.ready_seconds = time.perf_counter() - started
        log(f"bot pid {self.bot.pid} answered its first command ({n} probe(s), {self.ready_seconds:.1f} s)")

    def pids(self):
        return {"endpoint": self.endpoint.pid, "bot": self.bot.pid}

    def check_alive(self):
        for name, p in (("endpoint", self.endpoint), ("bot", self.bot)):
            if p.poll() is not None:
                log_file = self.endpoint_log if name == "endpoint" else self.bot_log
                raise SystemExit(f"bench: the {name} exited with status {p.returncode}:\n" + tail(log_file))


def tail(f, n=20):
    try:
        f.flush()
        with open(f.name) as r:
            return "".join(r.readlines()[-n:])
    except Exception:
        return ""


# --------------------------------------------------------------------------------------------------------------
# Phases.


def mix_tables():
    """The command mix as data, for the compiled driver (Benchmarks/Sources/tandem-load)."""
    return {
        "lookups_en": LOOKUPS_EN, "lookups_de": LOOKUPS_DE, "questions_en": QUESTIONS_EN, "questions_de": QUESTIONS_DE,
        "peer_lookups": PEER_LOOKUPS,
        "members": {m: {"language": lang, "channels": chans, "can": sorted(can)} for m, (lang, chans, can) in MEMBERS.items()},
        "assignee": ASSIGNEE, "weights": [[k, str(w)] for k, w in WEIGHTS], "step_share": STEP_SHARE,
        "create_text": list(CREATE_TEXT), "step_texts": {k: list(v) for k, v in STEP_TEXTS.items()},
        "list_texts": {k: list(v) for k, v in LIST_TEXTS.items()},
        "ok": {k: v.pattern for k, v in OK.items()}, "ok_ignore_case": [k for k, v in OK.items() if v.flags & re.I],
        "errors": ERRORS.pattern, "bot_id": BOT_ID,
    }


class CompiledWorkers:
    """The compiled driver's processes, with the interface run_phase needs (ready, go, results)."""

    def __init__(self, driver, specs, tandem):
        self.procs, self.lines = [], queue.Queue()
        for spec in specs:
            path = os.path.join(tandem.workdir, f"driver-{spec['name']}.json")
            with open(path, "w") as f:
                json.dump(dict(spec, mix=mix_tables()), f)
            pin = ["taskset", "-c", spec["cpus"]] if spec.get("cpus") else []
            p = tandem.procs.start(pin + [driver, path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
            self.procs.append(p)
            threading.Thread(target=self._read, args=(p,), daemon=True).start()

    def _read(self, p):
        result = False
        for line in p.stdout:
            line = line.strip()
            result = result or line.startswith("{")
            self.lines.put((p, line))
        err = p.stderr.read()
        status = p.wait()
        if status != 0 or not result:  # a driver that printed its result and exited 0 is done, not failed
            self.lines.put((p, {"error": f"the compiled driver exited with status {status}: {err.strip()[-1500:]}"}))

    def get(self, timeout):
        p, line = self.lines.get(timeout=timeout)
        if isinstance(line, dict):
            return line
        return {"ready": True} if line == "ready" else json.loads(line)

    def go(self):
        for p in self.procs:
            p.stdin.write("go\n")
            p.stdin.flush()

    def alive(self):
        return any(p.poll() is None for p in self.procs)


def run_phase(tandem, name, groups, *, window=None, rate=None, duration=None, n=None, lanes=1, check_every=50,
              lookups_only=False, drain=60, run_id="r", log=print, driver=None, cpus=None):
    """Runs driver processes (one per group) against Tandem; returns the phase's figures. `driver`: the compiled
    driver's path, or None for the Python one."""
    k = len(groups)
    specs = [{"host": tandem.host, "port": tandem.port, "members": members, "name": f"{name}{i}",
              "seed": zlib.crc32(f"{name}-{i}".encode()), "window": window and max(1, window // k),
              "rate": rate and rate / k, "duration": duration, "n": n and max(1, n // k),
              "lanes_per_channel": lanes, "check_every": check_every, "lookups_only": lookups_only, "drain": drain,
              "run": run_id, "cpus": cpus} for i, members in enumerate(groups)]
    if driver:
        compiled = CompiledWorkers(driver, specs, tandem)
        procs = compiled.procs
        for _ in procs:
            while True:
                try:
                    r = compiled.get(timeout=1)
                    if "error" in r:
                        raise SystemExit(f"bench: a driver process failed in phase {name}:\n{r['error']}")
                    break
                except queue.Empty:
                    tandem.check_alive()
        ready_q = result_q = compiled
        go = compiled
        is_alive = compiled.alive
    else:
        ctx = multiprocessing.get_context("fork")
        ready_q, result_q, go = ctx.Queue(), ctx.Queue(), ctx.Event()
        procs = []
        for spec in specs:
            p = ctx.Process(target=worker_main, args=(spec, ready_q, go, result_q), daemon=True)
            p.start()
            procs.append(p)
        is_alive = lambda: any(p.is_alive() for p in procs)  # noqa: E731
    for _ in ([] if driver else procs):
        while True:
            try:
                ready_q.get(timeout=1)
                break
            except Exception:
                tandem.check_alive()
                if not all(p.is_alive() for p in procs):
                    break
    pids = tandem.pids()
    cpu0 = {k_: proc_cpu(v) for k_, v in pids.items()}
    t0 = time.perf_counter()
    go.go() if driver else go.set()
    results = []
    while len(results) < len(procs):
        try:
            results.append(result_q.get(timeout=1))
        except queue.Empty:
            tandem.check_alive()
            if not is_alive() and (driver or result_q.empty()):
                break
    wall = time.perf_counter() - t0
    cpu1 = {k_: proc_cpu(v) for k_, v in pids.items()}
    for p in procs:
        p.wait(timeout=5) if driver else p.join(timeout=5)
    errors = [r["error"] for r in results if "error" in r]
    if errors or len(results) < len(procs):
        raise SystemExit(f"bench: a driver process failed in phase {name}:\n" + "\n".join(errors))
    lat = [x for r in results for x in r["latencies"]]
    answered = sum(r["answered"] for r in results)
    seconds = max(r["seconds"] for r in results)
    out = {
        "phase": name, "driver": "compiled" if driver else "python", "driver_processes": k, "window": window,
        "rate": rate,
        "posted": sum(r["posted"] for r in results), "answered": answered,
        "missing": sum(r["missing"] for r in results), "duplicates": sum(r["duplicates"] for r in results),
        "wrong_channel": sum(r["wrong_channel"] for r in results),
        "announcements": sum(r["announcements"] for r in results),
        "seconds": seconds, "wall_seconds": wall, "replies_per_s": answered / seconds if seconds > 0 else None,
        "latency_ms": {q: (percentile(lat, p) * 1000 if lat else None)
                       for q, p in (("p50", 50), ("p99", 99), ("p99.9", 99.9), ("max", 100))},
        "cpu_s": {"endpoint": cpu1["endpoint"] - cpu0["endpoint"], "bot": cpu1["bot"] - cpu0["bot"],
                  "driver": sum(r["cpu"] for r in results)},
        "post_ms": {q: percentile([x for r in results for x in r["post_ms"]], p)
                    for q, p in (("p50", 50), ("p99", 99))},
        "bad_replies": [b for r in results for b in r["bad"]],
        "samples": [s for r in results for s in r["samples"]][:12],
        "missing_samples": [s for r in results for s in r["missing_samples"]][:5],
        "post_errors": [e for r in results for e in r["post_errors"]][:5],
    }
    out["cpu_ms_per_command"] = {k_: (v / answered * 1000 if answered else None) for k_, v in out["cpu_s"].items()}
    out["cpu_s_per_1000"] = {k_: (v / answered * 1000 if answered else None) for k_, v in out["cpu_s"].items()}
    out["cpu_share_of_wall"] = {k_: v / wall for k_, v in out["cpu_s"].items()}
    # Each driver process is one Python interpreter: near one core, it (not Tandem) limits the figure.
    out["driver_process_busiest_share"] = max(r["cpu"] / wall for r in results)
    tandem.check_alive()
    return out


def validate(tandem, log):
    """Every command template once, one at a time, each reply checked; returns the problems."""
    problems = []
    for member, (language, channels, can) in MEMBERS.items():
        conn = Conn(tandem.host, tandem.port, "local-" + member)
        cursor = conn.json("GET", "/updates?timeout=0")["cursor"]
        texts = (LOOKUPS_DE if language == "de" else LOOKUPS_EN) + (QUESTIONS_DE if language == "de" else QUESTIONS_EN)
        kinds = ["lookup"] * len(LOOKUPS_DE if language == "de" else LOOKUPS_EN) + ["question"] * len(
            QUESTIONS_DE if language == "de" else QUESTIONS_EN)
        if member == "sam":
            texts += PEER_LOOKUPS
            kinds += ["lookup"] * len(PEER_LOOKUPS)
        for i, (kind, text) in enumerate(zip(kinds, texts)):
            conn.json("POST", "/messages", {"channel": f"dm-{member}-{BOT_ID}", "text": text,
                                            "idempotency_key": f"validate-{member}-{i}-{time.time()}"})
            reply = None
            deadline = time.time() + 30
            while reply is None and time.time() < deadline:
                page = conn.json("GET", f"/updates?after={cursor}&timeout=5&limit=100")
                cursor = page["cursor"]
                for u in page["updates"]:
                    if u["user"]["id"] == BOT_ID and u["channel"] == f"dm-{member}-{BOT_ID}":
                        reply = u["text"]
            if reply is None:
                problems.append((member, text, "no reply within 30 s"))
            elif ERRORS.search(reply) or not OK[kind].search(reply):
                problems.append((member, text, reply[:400]))
    return problems


DRIVER_SOURCE = os.path.join(ROOT, "Benchmarks", "Sources", "tandem-load", "main.swift")
DRIVER_BINARY = os.path.join(ROOT, "Benchmarks", ".build", "release", "tandem-load")


def ensure_driver(log):
    """The compiled driver's path, built when missing or older than its source; None (with a note) if it cannot be."""
    if os.path.exists(DRIVER_BINARY) and os.path.getmtime(DRIVER_BINARY) >= os.path.getmtime(DRIVER_SOURCE):
        return DRIVER_BINARY
    log("driver: building the compiled driver (swift build --package-path Benchmarks -c release --product tandem-load)")
    try:
        r = subprocess.run(["swift", "build", "--package-path", os.path.join(ROOT, "Benchmarks"), "-c", "release",
                            "--product", "tandem-load"], capture_output=True, text=True, timeout=1200)
    except (OSError, subprocess.TimeoutExpired) as error:
        log(f"driver: could not build the compiled driver ({error}); using the Python driver")
        return None
    if r.returncode != 0 or not os.path.exists(DRIVER_BINARY):
        log("driver: could not build the compiled driver; using the Python driver:\n" + (r.stdout + r.stderr)[-1500:])
        return None
    return DRIVER_BINARY


def tandem_part(args, procs, log):
    workdir = tempfile.mkdtemp(prefix="tandem-bench-")
    tandem = Tandem(args.binary, procs, workdir, args.tandem_cpus)
    figures = {"workdir": workdir}
    try:
        tandem.start(log)
        figures["bot_ready_seconds"] = tandem.ready_seconds
        problems = validate(tandem, log)
        if problems:
            raise SystemExit("bench: the command mix got error or usage answers:\n" + "\n".join(
                f"  {m}: {t!r}\n    → {r!r}" for m, t, r in problems))
        log("validate: every lookup and question template answered without an error")
        pids = tandem.pids()

        # Idle, a long poll of a member open (the bot's own long poll is always open).
        idle_conn = Conn(tandem.host, tandem.port, "local-priya")
        cur = idle_conn.json("GET", "/updates?timeout=0")["cursor"]
        holder = threading.Thread(target=lambda: idle_conn.request(
            "GET", f"/updates?after={cur}&timeout={args.idle + 5}&limit=1"), daemon=True)
        holder.start()
        c0 = {k: proc_cpu(v) for k, v in pids.items()}
        t0 = time.perf_counter()
        holder.join(timeout=args.idle)  # a bounded wait: the measurement interval itself
        wall = time.perf_counter() - t0
        c1 = {k: proc_cpu(v) for k, v in pids.items()}
        figures["idle"] = {
            "seconds": wall, "cpu_ms": {k: (c1[k] - c0[k]) * 1000 for k in pids},
            "rss_mb": {k: proc_rss_mb(v) for k, v in pids.items()}}
        log(f"idle: {fmt_dict(figures['idle'])}")

        dur = args.duration
        n = args.n
        run_id = f"{int(time.time())}"
        phases = []
        def phase(name, groups, label, **kw):
            p = run_phase(tandem, name, groups, run_id=run_id, log=log, driver=args.driver_path,
                          cpus=args.driver_cpus, **kw)
            phases.append(p)
            log(f"{label}: {summary(p)}")
            return p

        short = None if n else max(2, dur * 0.5)
        phase("closed", [GROUPS[0] + GROUPS[1]], "closed loop", window=1, duration=short, n=n and min(n, 2000))
        open_ = phase("open", GROUPS, "open loop", window=args.window, lanes=args.lanes, duration=None if n else dur, n=n)
        phase("lookups", GROUPS, "open loop, lookups", window=args.window, lanes=args.lanes, lookups_only=True,
              duration=short, n=n)
        phase("lookups-closed", [["sam"]], "closed loop, lookups", window=1, lookups_only=True,
              duration=None if n else max(2, dur * 0.25), n=n and min(n, 2000))
        paced = phase("paced", GROUPS, f"paced {args.rate:g}/s", rate=args.rate, lanes=4 if args.rate > 200 else 2,
                      duration=max(2, dur * 0.5))
        capacity = open_["replies_per_s"] or 0
        paced["over_capacity"] = args.rate > 0.8 * capacity
        if paced["over_capacity"] and capacity >= 2:
            # The chosen rate is beyond what the open loop sustained: its latencies are queueing. Also measure at
            # half the sustained rate, where the latency is the system's own.
            half = max(1.0, round(capacity * 0.5, 1))
            p = phase("paced-half", GROUPS, f"paced {half:g}/s (half the open loop's rate)", rate=half,
                      lanes=4 if half > 200 else 2, duration=max(2, dur * 0.5))
            p["over_capacity"] = False
        figures["phases"] = {p["phase"]: p for p in phases}
        figures["after_rss_mb"] = {k: proc_rss_mb(v) for k, v in pids.items()}
        bad = [(p["phase"], b) for p in phases for b in p["bad_replies"]]
        figures["bad_replies"] = bad
        try:
            figures["journal_bytes"] = sum(os.path.getsize(os.path.join(tandem.state, f)) for f in os.listdir(tandem.state))
        except OSError:
            pass
        return figures, bad
    finally:
        for p in (getattr(tandem, "bot", None), getattr(tandem, "endpoint", None)):
            if p is not None:
                procs.stop(p)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


def fmt_dict(d):
    return json.dumps(d, default=lambda x: round(x, 3) if isinstance(x, float) else str(x))


def summary(p):
    lat = p["latency_ms"]
    return (f"{p['answered']} replies in {p['seconds']:.1f} s = {p['replies_per_s']:.0f}/s; p50 {lat['p50']:.2f} ms, "
            f"p99 {lat['p99']:.2f} ms; missing {p['missing']}, duplicates {p['duplicates']}; CPU ms/command "
            + ", ".join(f"{k} {v:.3f}" for k, v in p["cpu_ms_per_command"].items() if v is not None))


# --------------------------------------------------------------------------------------------------------------
# Peers: installed into venvs under .build-bench/, each run by a script of ours in peers/ that prints JSON.

PEERS = {
    "errbot": {"pip": ["errbot==6.2.*", "pytest"], "check": "import errbot, pytest", "script": "errbot_bench.py"},
    "opsdroid": {"pip": ["opsdroid==0.31.*", "setuptools<81"], "check": "import opsdroid, aiohttp",
                 "script": "opsdroid_bench.py"},
}


def ensure_venv(name, cache, log):
    info = PEERS[name]
    venv = os.path.join(cache, f"venv-{name}")
    py = os.path.join(venv, "bin", "python")
    stamp = os.path.join(venv, "bench-requirements.txt")
    wanted = "\n".join(info["pip"]) + "\n"
    ok = os.path.exists(stamp) and open(stamp).read() == wanted and subprocess.run(
        [py, "-c", info["check"]], capture_output=True).returncode == 0
    if ok:
        return py
    log(f"peers: installing {name} into {venv} (pip: {' '.join(info['pip'])})")
    shutil.rmtree(venv, ignore_errors=True)
    r = subprocess.run([sys.executable, "-m", "venv", venv], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"python3 -m venv failed: {r.stderr.strip()[-500:]}")
    r = subprocess.run([py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-input"]
                       + info["pip"], capture_output=True, text=True, timeout=900)
    if r.returncode != 0:
        raise RuntimeError(f"pip install {' '.join(info['pip'])} failed: {r.stderr.strip()[-800:]}")
    r = subprocess.run([py, "-c", info["check"]], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{name} installed but does not import: {r.stderr.strip()[-500:]}")
    with open(stamp, "w") as f:
        f.write(wanted)
    return py


def peer_part(name, args, procs, log):
    cache = os.path.join(ROOT, ".build-bench")
    os.makedirs(cache, exist_ok=True)
    try:
        py = ensure_venv(name, cache, log)
    except Exception as error:
        return {"skipped": f"could not install {name}: {error}"}
    cmd = [py, os.path.join(HERE, "peers", PEERS[name]["script"]),
           "--campaigns", os.path.join(ROOT, "Config", "sample-campaigns.json"),
           "--n", str(args.peer_n), "--commands", json.dumps(PEER_LOOKUPS)]
    log(f"peers: running {name}")
    p = procs.start(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cache)
    try:
        out, err = p.communicate(timeout=args.peer_timeout)
    except subprocess.TimeoutExpired:
        procs.stop(p)
        return {"skipped": f"{name} did not finish within {args.peer_timeout} s"}
    if p.returncode != 0:
        return {"skipped": f"{name} failed (status {p.returncode}): {err.strip()[-1500:]}"}
    try:
        return json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"skipped": f"{name} printed no result: {out[-500:]} {err[-500:]}"}


# --------------------------------------------------------------------------------------------------------------
# Report.


def git_revision(binary):
    try:
        rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        return rev + ("+dirty" if dirty else "")
    except OSError:
        return None


def machine_facts(binary):
    facts = {"cores": os.cpu_count(), "kernel": platform.release(), "machine": platform.machine(),
             "python": platform.python_version(), "binary": os.path.abspath(binary), "git_revision": git_revision(binary)}
    try:
        facts["binary_mtime"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(os.path.getmtime(binary)))
        facts["binary_version"] = subprocess.run([binary, "--version"], capture_output=True, text=True,
                                                 timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        pass
    try:
        with open("/proc/cpuinfo") as f:
            facts["cpu_model"] = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), None)
        with open("/proc/meminfo") as f:
            facts["mem_gb"] = round(int(f.readline().split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return facts


def ms(x):
    return "–" if x is None else (f"{x:.2f}" if x < 10 else f"{x:.0f}")


def ratio(a, b):
    if not a or not b:
        return "–"
    r = a / b
    return f"{r:.3g}×"


def report(result):
    f = result["facts"]
    lines = [f"# Tandem end-to-end benchmark", "",
             f"{result['started']} · {f['cores']} cores · load average {result['load_start']} at start, "
             f"{result['load_end']} at end · kernel {f['kernel']} · binary {f['binary']} ({f.get('binary_version', '?')}, "
             f"git {f['git_revision']})", ""]
    t = result.get("tandem")
    if t:
        ph = t["phases"]
        lines += ["## Tandem (endpoint + bot, separate processes, protocol v1 over loopback, journal fsynced)", "",
                  "| phase | commands | replies/s | p50 ms | p99 ms | p99.9 ms | missing | duplicated | "
                  "CPU s/1,000 cmds: endpoint | bot | driver |",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]
        names = {"closed": "closed loop: one command at a time, full mix",
                 "paced": f"paced: {result['args']['rate']:g}/s scheduled, full mix (latency from the scheduled time)"
                          + (" — above the open loop's rate: queueing" if ph.get("paced", {}).get("over_capacity") else ""),
                 "paced-half": f"paced: {ph['paced-half']['rate']:g}/s, half the open loop's rate, full mix"
                               if "paced-half" in ph else "",
                 "open": f"open loop: window {result['args']['window']}, full mix",
                 "lookups": f"open loop: window {result['args']['window']}, campaign lookups only",
                 "lookups-closed": "closed loop: campaign lookups only"}
        for key in ("closed", "paced", "paced-half", "open", "lookups", "lookups-closed"):
            p = ph.get(key)
            if not p:
                continue
            lat, c = p["latency_ms"], p["cpu_s_per_1000"]
            lines.append(f"| {names[key]} | {p['answered']:,} | {p['replies_per_s']:,.0f} | {ms(lat['p50'])} | "
                         f"{ms(lat['p99'])} | {ms(lat['p99.9'])} | {p['missing']} | {p['duplicates']} | "
                         f"{c['endpoint']:.3f} | {c['bot']:.3f} | {c['driver']:.3f} |")
        idle = t["idle"]
        lines += ["", f"Idle (long polls open, {idle['seconds']:.0f} s): CPU endpoint {idle['cpu_ms']['endpoint']:.0f} ms, "
                  f"bot {idle['cpu_ms']['bot']:.0f} ms; RSS endpoint {idle['rss_mb']['endpoint']:.1f} MB, "
                  f"bot {idle['rss_mb']['bot']:.1f} MB. After the run: RSS endpoint "
                  f"{t['after_rss_mb']['endpoint']:.1f} MB, bot {t['after_rss_mb']['bot']:.1f} MB.",
                  f"Open loop: {ph['open']['announcements']:,} further bot messages (handoff announcements in #sales); "
                  f"CPU share of wall time endpoint {ph['open']['cpu_share_of_wall']['endpoint']:.2f}, bot "
                  f"{ph['open']['cpu_share_of_wall']['bot']:.2f}, driver ({ph['open']['driver_processes']} "
                  f"{ph['open'].get('driver', 'python')} processes) "
                  f"{ph['open']['cpu_share_of_wall']['driver']:.2f} cores. A POST /messages took the driver "
                  f"{ms(ph['open']['post_ms']['p50'])} ms (p50), {ms(ph['open']['post_ms']['p99'])} ms (p99) in the open loop, "
                  f"{ms(ph['closed']['post_ms']['p50'])} ms (p50) in the closed loop.", ""]
    if t:
        busy = [(k, p.get("driver_process_busiest_share", 0)) for k, p in t["phases"].items()
                if p.get("driver_process_busiest_share", 0) > 0.7]
        if busy:
            lines += ["**The driver may be the bottleneck**: a driver process used " + ", ".join(
                f"{share:.0%} of a core in {k}" for k, share in busy) + " (see Benchmarks/README.md).", ""]
    peers = result.get("peers", {})
    if peers:
        lines += ["## Peers, fed the campaign lookups", "",
                  "| bot | what the path includes | pipelined commands/s | one at a time: p50 ms | p99 ms | "
                  "CPU s/1,000 cmds | wrong replies | Tandem ratio: throughput | p50 latency | CPU |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        tl = t and t["phases"].get("lookups")
        tl1 = t and t["phases"].get("lookups-closed")
        if t:
            tcpu = (tl["cpu_s_per_1000"]["endpoint"] + tl["cpu_s_per_1000"]["bot"]) if tl else None
            lines.append(f"| Tandem | HTTP via libcurl both ways, fsynced journal, separate endpoint process | "
                         f"{tl['replies_per_s']:,.0f} | {ms(tl1['latency_ms']['p50'])} | {ms(tl1['latency_ms']['p99'])} | "
                         f"{tcpu:.3f} (endpoint + bot) | {tl['missing'] + tl['duplicates'] + len(tl['bad_replies'])} "
                         f"of {tl['answered'] + tl['missing']:,} | 1 | 1 | 1 |")
        for name, r in peers.items():
            for variant in r.get("variants", []) if "skipped" not in r else []:
                cpu = variant.get("cpu_s_per_1000")
                lines.append(
                    f"| {name} {variant['name']} | {variant['path']} | {variant['pipelined_per_s']:,.0f} | "
                    f"{ms(variant['one_p50_ms'])} | {ms(variant['one_p99_ms'])} | {cpu:.3f} | "
                    f"{variant['missing'] + variant['duplicates_or_extra'] + variant.get('surplus', 0)} of "
                    f"{3 * variant['n']:,} | "
                    + (f"{ratio(tl['replies_per_s'], variant['pipelined_per_s'])} | "
                       f"{ratio(variant['one_p50_ms'], tl1['latency_ms']['p50'])} | {ratio(cpu, tcpu)} |" if t else "– | – | – |"))
            if "skipped" in r:
                lines.append(f"| {name} | skipped: {r['skipped'][:300]} | | | | | | | | |")
        lines += ["", "Wrong replies: missing, duplicated or garbled (not one of the expected texts) over the pipelined "
                  "runs. Ratios: Tandem's throughput ÷ the peer's; the peer's latency ÷ Tandem's; the peer's CPU per command "
                  "÷ Tandem's (endpoint + bot). Above 1 means Tandem is better.", ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "tandem"))
    parser.add_argument("--quick", action="store_true", help="a short run (< 1 min) to check that everything works")
    parser.add_argument("--skip-peers", action="store_true")
    parser.add_argument("--duration", type=float, default=20, help="seconds of the open loop (other phases: shares of it)")
    parser.add_argument("--n", type=int, help="commands per open-loop phase instead of a duration")
    parser.add_argument("--rate", type=float, default=100, help="commands/s of the paced phase")
    parser.add_argument("--window", type=int, default=1000, help="most commands outstanding in the open loop")
    parser.add_argument("--lanes", type=int, default=2, help="connections per member and channel in the open loop")
    parser.add_argument("--idle", type=float, default=5, help="seconds of the idle measurement")
    parser.add_argument("--tandem-cpus", help="pin endpoint and bot to these CPUs (taskset list, e.g. 0-1)")
    parser.add_argument("--driver-cpus", help="pin the driver processes to these CPUs (e.g. 2-3)")
    parser.add_argument("--driver", choices=["compiled", "python"], default="compiled",
                        help="the driver processes: Benchmarks' tandem-load (built if needed; the Python driver if it "
                             "cannot be built) or the Python one in this script")
    parser.add_argument("--peer-n", type=int, default=5000, help="commands per peer measurement")
    parser.add_argument("--peer-timeout", type=float, default=600)
    parser.add_argument("--json", default=None, help="where to write every figure (default .build-bench/bench-<time>.json)")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (state, logs, bot config)")
    args = parser.parse_args()
    if args.quick:  # every phase, briefly: that the binary, the mix, the matching and the peers work
        args.idle = min(args.idle, 2)
        args.peer_n = min(args.peer_n, 300)
        args.duration = min(args.duration, 4)
        args.window = min(args.window, 50)
        args.n = args.n and min(args.n, 200)
    if not os.path.isfile(args.binary) or not os.access(args.binary, os.X_OK):
        raise SystemExit(f"bench: no executable at {args.binary}: build it with "
                         f"`swift build -c release --product tandem` or pass --binary")
    args.binary = os.path.abspath(args.binary)

    def log(msg):
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    procs = Processes()

    def on_signal(signum, frame):
        procs.stop_all()
        raise SystemExit(f"bench: stopped by signal {signum}")
    signal.signal(signal.SIGTERM, on_signal)
    args.driver_path = ensure_driver(log) if args.driver == "compiled" else None
    if args.driver == "compiled" and not args.driver_path:
        args.driver = "python (the compiled driver could not be built)"
    result = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "load_start": loadavg(),
              "facts": machine_facts(args.binary), "args": vars(args)}
    try:
        tandem, bad = tandem_part(args, procs, log)
        result["tandem"] = tandem
        if not args.skip_peers:
            result["peers"] = {}
            for name in PEERS:
                result["peers"][name] = peer_part(name, args, procs, log)
                if "skipped" in result["peers"][name]:
                    log(f"peers: {name} skipped: {result['peers'][name]['skipped']}")
    except KeyboardInterrupt:
        procs.stop_all()
        raise SystemExit("bench: interrupted")
    finally:
        procs.stop_all()
    result["load_end"] = loadavg()
    result["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    path = args.json or os.path.join(ROOT, ".build-bench", f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        json.dump(result, f, indent=1, default=str)
    print(report(result))
    print(f"\nEvery figure: {path}")
    problems = []
    for name, p in result["tandem"]["phases"].items():
        if p["missing"] or p["duplicates"] or p["wrong_channel"]:
            problems.append(f"{name}: {p['missing']} missing, {p['duplicates']} duplicated, "
                            f"{p['wrong_channel']} in the wrong channel (e.g. {p['missing_samples'][:2]})")
        if p["post_errors"]:
            problems.append(f"{name}: errors while posting or polling: {p['post_errors'][:3]}")
    if bad:
        problems.append("sampled replies with error or usage answers:\n" + "\n".join(
            f"  {ph}: {b[1]!r} → {b[2]!r}" for ph, b in bad[:10]))
    if problems:
        print("\nbench: FAILED:\n" + "\n".join(problems), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
