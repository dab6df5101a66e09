#!/usr/bin/env python3
"""What a Slack user feels through Tandem's relay: signed Events API requests in, the bot's replies out through a
fake of Slack's Web API (`chat.postMessage`), all over loopback; stdlib only.

    python3 Benchmarks/Scripts/relay-bench.py [--binary .build/release/tandem] [--n 300] [--senders 8]
                                              [--duration 10] [--json FILE] [--quick]

Run from anywhere; paths are taken from the repository root. It starts a fake Slack Web API in this process
(`auth.test`, `chat.postMessage`), writes a relay config like Tests/TandemRelayTests/SlackRelayEndToEndTests.swift
(Config/local.json's team with Slack ids), starts the release binary on a spare port with a fresh state folder and
measures
  1. closed loop: one mention at a time, each waiting for its reply: the relay's acknowledgement (POST -> 200) and
     the whole path (event posted -> the reply arrives at chat.postMessage), over a command mix;
  2. open loop: several senders posting unique commands over channels and direct messages, each waiting only for
     the relay's acknowledgement (as Slack does), with at most --max-outstanding unanswered commands each:
     replies per second, every command answered exactly once, and the acknowledgement latency under that load;
  3. the tandem process's CPU seconds per command (utime + stime from /proc) and its RSS, idle and after the load.
Then it stops the bot.
"""
import argparse, hashlib, hmac, http.server, json, os, re, shutil, socket, subprocess, sys, tempfile, threading, time, uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import Conn  # noqa: E402  (the keep-alive client every benchmark here uses)

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "xoxb-0000000000-bench-relay"
IDS = {"mia": "U0MIA", "leo": "U0LEO", "sam": "U0SAM", "jonas": "U0JONAS", "priya": "U0PRIYA", "alex": "U0ALEX"}
TOKEN_RE = re.compile(r"zz-(\d+)(?!\d)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, p):
    """Nearest rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(min(rank, len(ordered))) - 1]


def summary(values):
    return {"n": len(values), "p50": percentile(values, 50), "p90": percentile(values, 90), "p99": percentile(values, 99),
            "p99.9": percentile(values, 99.9), "max": max(values) if values else float("nan")}


# ---------------------------------------------------------------------------------------------------------------
# Fake Slack Web API


class FakeSlack:
    """auth.test and chat.postMessage on 127.0.0.1, keep-alive; records each post's arrival time and text."""

    def __init__(self):
        self.posts = []  # (perf_counter, channel, text, thread_ts)
        self.cond = threading.Condition()
        self.tokens = {}  # open-loop token -> [first arrival, count]
        self.auth_calls = 0
        self.bad = []
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):
                super().setup()
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def log_message(self, *args):
                pass

            def answer(self, obj, status=200):
                data = json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                now = time.perf_counter()
                if self.headers.get("Authorization") != "Bearer " + TOKEN:
                    return self.answer({"ok": False, "error": "invalid_auth"})
                if self.path.endswith("/auth.test"):
                    fake.auth_calls += 1
                    return self.answer({"ok": True, "url": "https://bench.slack.com/", "team": "Bench", "user": "tandem",
                                        "team_id": "T0FAKE", "user_id": "U0TANDEM", "bot_id": "B0TANDEM"})
                if self.path.endswith("/chat.postMessage"):
                    try:
                        body = json.loads(raw or b"{}")
                    except ValueError:
                        body = {}
                    channel, text = body.get("channel"), body.get("text")
                    if not channel or text is None:
                        fake.bad.append(raw[:200])
                        return self.answer({"ok": False, "error": "no_text"})
                    with fake.cond:
                        ts = "%d.%06d" % (1764800000 + len(fake.posts) // 1000000, len(fake.posts) % 1000000)
                        fake.posts.append((now, channel, text, body.get("thread_ts")))
                        for match in set(TOKEN_RE.findall(text)):
                            entry = fake.tokens.setdefault(int(match), [now, 0])
                            entry[1] += 1
                        fake.cond.notify_all()
                    message = {"type": "message", "user": "U0TANDEM", "bot_id": "B0TANDEM", "text": text, "ts": ts}
                    if body.get("thread_ts"):
                        message["thread_ts"] = body["thread_ts"]
                    return self.answer({"ok": True, "channel": channel, "ts": ts, "message": message})
                self.answer({"ok": False, "error": "unknown_method"}, 404)

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 128

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def api_url(self):
        return f"http://127.0.0.1:{self.port}/api"

    def count(self):
        with self.cond:
            return len(self.posts)

    def wait_for(self, count, timeout):
        """Waits until there are at least `count` posts; returns whether there are."""
        deadline = time.perf_counter() + timeout
        with self.cond:
            while len(self.posts) < count:
                left = deadline - time.perf_counter()
                if left <= 0:
                    return False
                self.cond.wait(left)
            return True

    def settle(self, quiet=0.3, timeout=5.0):
        """Waits until no post has come for `quiet` seconds; returns the count."""
        deadline = time.perf_counter() + timeout
        last = self.count()
        while time.perf_counter() < deadline:
            time.sleep(quiet)
            now = self.count()
            if now == last:
                return now
            last = now
        return last

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


# ---------------------------------------------------------------------------------------------------------------
# Signed events, as Slack sends them


class SlackSender:
    """One keep-alive connection to the relay (bench.py's raw-socket client, TCP_NODELAY), posting signed events."""

    def __init__(self, port):
        self.conn = Conn("127.0.0.1", port, None, timeout=30)

    def close(self):
        self.conn.close()

    def post(self, envelope):
        """Signs and posts one envelope; returns (status, seconds until the whole response was read)."""
        raw = json.dumps(envelope, separators=(",", ":")).encode()
        ts = str(int(time.time()))
        signature = "v0=" + hmac.new(SECRET.encode(), b"v0:" + ts.encode() + b":" + raw, hashlib.sha256).hexdigest()
        headers = {"User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)", "Content-Type": "application/json",
                   "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}
        start = time.perf_counter()
        status, _ = self.conn.exchange("POST", "/slack/events", headers, raw)
        return status, time.perf_counter() - start


class Events:
    """Builds unique Slack envelopes."""

    def __init__(self):
        self.lock = threading.Lock()
        self.n = 0
        self.base = int(time.time())

    def _next(self):
        with self.lock:
            self.n += 1
            return self.n

    def envelope(self, event):
        n = self._next()
        ts = "%d.%06d" % (self.base, n)
        event = dict(event, ts=ts, event_ts=ts)
        return {"token": "legacy-verification-token-unused", "type": "event_callback", "team_id": "T0FAKE",
                "api_app_id": "A0TANDEM", "event": event, "event_id": "Ev0B%s" % uuid.uuid4().hex[:20].upper(),
                "event_time": self.base, "authorizations": [{"team_id": "T0FAKE", "user_id": "U0TANDEM", "is_bot": True}],
                "event_context": "4-bench"}

    def mention(self, user, channel, text):
        return self.envelope({"type": "app_mention", "user": user, "text": "<@U0TANDEM> " + text, "channel": channel})

    def direct(self, user, channel, text):
        return self.envelope({"type": "message", "user": user, "text": text, "channel": channel, "channel_type": "im"})


# ---------------------------------------------------------------------------------------------------------------
# The tandem process


def proc_cpu(pid):
    """utime + stime of the process (all its threads), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def write_config(api_url, folder):
    with open(os.path.join(ROOT, "Config", "local.json")) as f:
        config = json.load(f)
    team = config["team"]
    team["members"] = [dict(m, id=IDS[m["id"]]) for m in team["members"]]
    team["salesChannel"], team["jointChannel"] = "C0SALES", "C0JOINT"
    config["transport"] = {"type": "relay", "slack": {"signingSecretEnv": "TANDEM_BENCH_SLACK_SECRET",
                                                      "botTokenEnv": "TANDEM_BENCH_SLACK_TOKEN", "apiBaseURL": api_url}}
    config["seedCampaigns"] = os.path.join(ROOT, "Config", "sample-campaigns.json")
    path = os.path.join(folder, "slack.json")
    with open(path, "w") as f:
        json.dump(config, f, indent=2)
    return path


def start_bot(binary, config, state, port, log_path):
    env = dict(os.environ, TANDEM_BENCH_SLACK_SECRET=SECRET, TANDEM_BENCH_SLACK_TOKEN=TOKEN)
    log = open(log_path, "wb")
    proc = subprocess.Popen([binary, "run", "--config", config, "--state", state, "--port", str(port), "--log-level",
                             "warning"], stdout=subprocess.PIPE, stderr=log, env=env, cwd=ROOT)
    ready = threading.Event()
    lines = []

    def pump():
        for line in proc.stdout:
            text = line.decode(errors="replace").rstrip()
            lines.append(text)
            if "http://127.0.0.1:" in text:
                ready.set()
        ready.set()

    threading.Thread(target=pump, daemon=True).start()
    if not ready.wait(60) or proc.poll() is not None:
        proc.kill()
        raise RuntimeError(f"tandem did not start: stdout {lines[-5:]}, see {log_path}")
    return proc, lines


def ensure_binary(path):
    if os.path.exists(path):
        return path
    print(f"{path} is missing: swift build -c release --product tandem (4-6 minutes on 2 cores)", flush=True)
    subprocess.run(["swift", "build", "-c", "release", "--product", "tandem"], cwd=ROOT, check=True)
    return path


# ---------------------------------------------------------------------------------------------------------------
# Phases


def ask(slack, sender, envelope, expected_posts, timeout=30.0):
    """Posts one event and waits for `expected_posts` replies; returns (ack seconds, seconds to the first reply,
    seconds to the last)."""
    before = slack.count()
    start = time.perf_counter()
    status, ack = sender.post(envelope)
    if status != 200:
        raise RuntimeError(f"relay answered {status}")
    if not slack.wait_for(before + expected_posts, timeout):
        raise RuntimeError(f"no reply within {timeout} s to {envelope['event']['text']!r}")
    with slack.cond:
        first, last = slack.posts[before][0], slack.posts[before + expected_posts - 1][0]
    return ack, first - start, last - start


def command_mix():
    with open(os.path.join(ROOT, "Config", "sample-campaigns.json")) as f:
        campaigns = json.load(f)
    mix = [("lookup-word", "campaign spring"), ("help", "help"),
           ("question", "what is the promo code for spring launch?")]
    for c in campaigns[:4]:
        mix.append(("lookup-id", "campaign " + c["id"]))
    return mix


def closed_loop(slack, relay_port, events, n, pid):
    """Learns how many posts each command of the mix makes, then asks n times, one at a time."""
    sender = SlackSender(relay_port)
    kinds = []
    notes = []
    samples = {}
    for kind, text in command_mix():
        before = slack.count()
        status, _ = sender.post(events.mention("U0SAM", "C0JOINT", text))
        slack.wait_for(before + 1, 10)
        posts = slack.settle(0.4) - before
        if status != 200 or posts == 0:
            notes.append(f"{text!r}: no reply (status {status}); left out of the mix")
            continue
        with slack.cond:
            samples[text] = slack.posts[before][2][:100]
        kinds.append((kind, text, posts))
    cpu0, t0 = proc_cpu(pid), time.perf_counter()
    acks, firsts, lasts, by_kind = [], [], [], {}
    for i in range(n):
        kind, text, posts = kinds[i % len(kinds)]
        ack, first, last = ask(slack, sender, events.mention("U0SAM", "C0JOINT", text), posts)
        acks.append(ack)
        firsts.append(first)
        lasts.append(last)
        by_kind.setdefault(kind, []).append(first)
    elapsed, cpu = time.perf_counter() - t0, proc_cpu(pid) - cpu0
    end = slack.count()
    extra = slack.settle(0.5) - end
    sender.close()
    return {"n": n, "mix": [{"kind": k, "text": t, "posts": p, "reply": samples[t]} for k, t, p in kinds], "ack": summary(acks),
            "reply": summary(firsts), "reply_last_part": summary(lasts),
            "reply_by_kind": {k: summary(v) for k, v in by_kind.items()}, "seconds": elapsed,
            "cpu_seconds": cpu, "cpu_ms_per_command": 1000 * cpu / n, "unexpected_posts": extra, "notes": notes}


def open_loop(slack, relay_port, events, senders, duration, max_outstanding, pid, drain_timeout=120.0):
    members = list(IDS.values())
    channels = [("C0JOINT", None), ("C0SALES", None)] + [("D0" + u[2:], u) for u in members]
    lock = threading.Lock()
    sent = {}  # token -> perf_counter at send
    counter = [0]
    acks, ack_times, errors = [], [], []
    stop_at = [0.0]

    def run(index):
        sender = SlackSender(relay_port)
        pending = set()  # this sender's unanswered tokens
        k = index
        try:
            while time.perf_counter() < stop_at[0]:
                if len(pending) >= max_outstanding:
                    with slack.cond:
                        pending = {t for t in pending if t not in slack.tokens}
                        if len(pending) >= max_outstanding:
                            slack.cond.wait(0.05)
                    continue
                with lock:
                    counter[0] += 1
                    token = counter[0]
                channel, dm_user = channels[k % len(channels)]
                k += senders
                text = f"campaign zz-{token}"
                if dm_user:
                    envelope = events.direct(dm_user, channel, text)
                else:
                    envelope = events.mention(members[token % len(members)], channel, text)
                start = time.perf_counter()
                with lock:
                    sent[token] = start
                pending.add(token)
                status, ack = sender.post(envelope)
                with lock:
                    acks.append(ack)
                    ack_times.append(start)
                    if status != 200:
                        errors.append(f"token {token}: status {status}")
        except Exception as error:  # noqa: BLE001 - reported below
            with lock:
                errors.append(f"sender {index}: {error!r}")
        finally:
            sender.close()

    cpu0, rss_before, own0 = proc_cpu(pid), proc_rss_mib(pid), time.process_time()
    t0 = time.perf_counter()
    stop_at[0] = t0 + duration
    threads = [threading.Thread(target=run, args=(i,)) for i in range(senders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    t_sent = time.perf_counter()
    tokens = set(sent)
    deadline = t_sent + drain_timeout
    with slack.cond:
        while not tokens.issubset(slack.tokens) and time.perf_counter() < deadline:
            slack.cond.wait(0.2)
    t_drained = time.perf_counter()
    cpu, own = proc_cpu(pid) - cpu0, time.process_time() - own0
    slack.settle(1.0)  # anything posted twice would come now
    rss_after = proc_rss_mib(pid)
    with slack.cond:
        got = {t: tuple(v) for t, v in slack.tokens.items() if t in tokens}
    missing = sorted(tokens - set(got))
    doubled = sorted(t for t, (_, c) in got.items() if c > 1)
    latencies = [got[t][0] - sent[t] for t in got]
    arrivals = sorted(v[0] for v in got.values())
    in_window = sum(1 for a in arrivals if a <= t0 + duration)
    last_reply = arrivals[-1] if arrivals else t0
    return {"senders": senders, "duration": duration, "max_outstanding": max_outstanding, "channels": [c for c, _ in channels],
            "commands": len(tokens), "events_per_s": len(tokens) / (t_sent - t0), "replies": len(got),
            "replies_per_s_window": in_window / duration, "replies_per_s": len(got) / max(1e-9, last_reply - t0),
            "drain_seconds": t_drained - t_sent, "missing": len(missing), "missing_tokens": missing[:20],
            "doubled": len(doubled), "doubled_tokens": doubled[:20], "errors": errors[:20], "ack": summary(acks),
            "reply": summary(latencies), "cpu_seconds": cpu, "tandem_cores": cpu / (t_drained - t0),
            "driver_cpu_seconds": own, "driver_cores": own / (t_drained - t0), "cpu_ms_per_command": 1000 * cpu / max(1, len(tokens)),
            "rss_mib_before": rss_before, "rss_mib_after": rss_after}


# ---------------------------------------------------------------------------------------------------------------


def ms(x):
    return f"{1000 * x:9.2f}"


def print_table(result):
    rows = []
    c, o = result["closed_loop"], result["open_loop"]

    def row(name, s):
        rows.append(f"  {name:<38} {s['n']:>6} {ms(s['p50'])} {ms(s['p90'])} {ms(s['p99'])} {ms(s['p99.9'])} {ms(s['max'])}")

    print()
    print(f"tandem relay bench  {result['binary']}  ({result['started']}, load before {result['load_before']})")
    print(f"  {'latency (ms)':<38} {'n':>6} {'p50':>9} {'p90':>9} {'p99':>9} {'p99.9':>9} {'max':>9}")
    row("closed loop: ack (POST -> 200)", c["ack"])
    row("closed loop: event -> chat.postMessage", c["reply"])
    for kind, s in c["reply_by_kind"].items():
        row(f"  {kind}", s)
    if any(m["posts"] > 1 for m in c["mix"]):
        row("closed loop: event -> last part", c["reply_last_part"])
    row(f"open loop: ack under load", o["ack"])
    row(f"open loop: event -> chat.postMessage", o["reply"])
    print("\n".join(rows))
    print()
    print(f"  closed loop: {c['n']} commands in {c['seconds']:.2f} s ({c['n'] / c['seconds']:.1f}/s), "
          f"CPU {c['cpu_ms_per_command']:.2f} ms/command, unexpected posts {c['unexpected_posts']}")
    print(f"  open loop:   {o['senders']} senders x {o['duration']:.0f} s over {len(o['channels'])} channels "
          f"(<= {o['max_outstanding']} unanswered each): {o['commands']} commands ({o['events_per_s']:.1f} events/s)")
    print(f"               replies {o['replies']}: {o['replies_per_s_window']:.1f}/s in the window, "
          f"{o['replies_per_s']:.1f}/s first send to last reply; drained in {o['drain_seconds']:.2f} s")
    print(f"               missing {o['missing']}, doubled {o['doubled']}, sender errors {len(o['errors'])}; "
          f"CPU {o['cpu_ms_per_command']:.2f} ms/command")
    print(f"               cores busy: tandem {o['tandem_cores']:.2f}, this script (senders + fake Slack) "
          f"{o['driver_cores']:.2f} of {result['cores']}")
    print(f"  ack under load: p99 {1000 * o['ack']['p99']:.2f} ms, max {1000 * o['ack']['max']:.2f} ms "
          f"(Slack's limit 3000 ms)")
    print(f"  RSS: idle {result['rss_mib_idle']:.1f} MiB, after closed loop {result['rss_mib_after_closed']:.1f} MiB, "
          f"after open loop {o['rss_mib_after']:.1f} MiB")
    for m in c["mix"]:
        print(f"  mix {m['kind']:<12} {m['text']!r:<46} -> {m['posts']} post(s): {m['reply'][:60]!r}")
    for note in c["notes"] + o["errors"]:
        print("  note:", note)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "tandem"))
    parser.add_argument("--n", type=int, default=300, help="closed-loop commands")
    parser.add_argument("--senders", type=int, default=8, help="open-loop concurrent senders (W)")
    parser.add_argument("--duration", type=float, default=10.0, help="open-loop seconds (D)")
    parser.add_argument("--max-outstanding", type=int, default=16, help="unanswered commands per open-loop sender")
    parser.add_argument("--json", help="write the results here")
    parser.add_argument("--keep", action="store_true", help="keep the state folder and logs")
    parser.add_argument("--quick", action="store_true", help="--n 40 --duration 3")
    args = parser.parse_args()
    if args.quick:
        args.n, args.duration = min(args.n, 40), min(args.duration, 3.0)
    binary = ensure_binary(os.path.abspath(args.binary))

    work = tempfile.mkdtemp(prefix="tandem-relay-bench-")
    slack = FakeSlack()
    proc = None
    try:
        config = write_config(slack.api_url, work)
        relay_port = free_port()
        load_before = open("/proc/loadavg").read().split()[:3]
        started = time.strftime("%Y-%m-%d %H:%M:%S")
        t_launch = time.perf_counter()
        proc, stdout = start_bot(binary, config, os.path.join(work, "state"), relay_port, os.path.join(work, "bot.log"))
        t_url = time.perf_counter() - t_launch
        events = Events()
        warm = SlackSender(relay_port)
        ack, first, _ = ask(slack, warm, events.mention("U0SAM", "C0JOINT", "campaign spring"), 1, timeout=60)
        warm.close()
        slack.settle(0.5)
        rss_idle = proc_rss_mib(proc.pid)
        print(f"tandem pid {proc.pid} on port {relay_port}: URL after {t_url:.2f} s, first reply {1000 * first:.1f} ms "
              f"(ack {1000 * ack:.1f} ms), auth.test calls {slack.auth_calls}, RSS {rss_idle:.1f} MiB", flush=True)

        closed = closed_loop(slack, relay_port, events, args.n, proc.pid)
        rss_closed = proc_rss_mib(proc.pid)
        print(f"closed loop done: reply p50 {1000 * closed['reply']['p50']:.2f} ms", flush=True)
        opened = open_loop(slack, relay_port, events, args.senders, args.duration, args.max_outstanding, proc.pid)
        print(f"open loop done: {opened['replies_per_s']:.1f} replies/s", flush=True)
        result = {"binary": binary, "started": started, "load_before": " ".join(load_before),
                  "load_after": " ".join(open("/proc/loadavg").read().split()[:3]), "cores": os.cpu_count(),
                  "startup_seconds_to_url": t_url, "first_reply_seconds": first, "rss_mib_idle": rss_idle,
                  "rss_mib_after_closed": rss_closed, "closed_loop": closed, "open_loop": opened,
                  "malformed_posts": len(slack.bad)}
        print_table(result)
        print(f"  load after {result['load_after']}; malformed posts {len(slack.bad)}")
        if args.json:
            with open(args.json, "w") as f:
                json.dump(result, f, indent=2)
        failed = opened["missing"] or opened["doubled"] or opened["errors"] or closed["unexpected_posts"]
        return 1 if failed else 0
    finally:
        if proc and proc.poll() is None:
            proc.terminate()
            try:
                code = proc.wait(15)
                if code:
                    print(f"tandem exited with {code}; log in {work}/bot.log", file=sys.stderr)
            except subprocess.TimeoutExpired:
                proc.kill()
        slack.stop()
        if args.keep:
            print(f"state and logs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
