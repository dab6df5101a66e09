#!/usr/bin/env python3
"""The whole path a user feels, on the README's embedded default: a member posts a command to the local chat
endpoint, the bot long-polls it, handles the command, journals the outcome (fsync), posts its reply, and the
member's own long poll returns it. Protocol v1 over loopback, as a chat client would use it; stdlib only.

    python3 Benchmarks/Scripts/round-trip.py [--binary .build/release/tandem] [--n 300] [--members 6]

Run from the repository root (the binary reads Config/local.json). It starts the binary on a spare port with a
fresh state folder, measures
  1. one sender waiting for each reply: latency p50/p90/p99 and replies per second;
  2. several members posting as fast as the bot answers (each waits for its own reply, all at once): replies per
     second;
then stops the bot.
"""
import argparse, http.client, json, os, shutil, socket, statistics, subprocess, tempfile, threading, time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Member:
    """One member's keep-alive connection and cursor."""

    def __init__(self, port, member):
        self.port, self.member, self.token = port, member, "local-" + member
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cursor = None
        self.sent = 0

    def call(self, method, path, body=None):
        headers = {"Authorization": "Bearer " + self.token}
        if body is not None:
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"{method} {path}: {response.status} {data[:200]!r}")
        return json.loads(data)

    def catch_up(self):
        """Moves the cursor past everything there is now."""
        page = self.call("GET", "/updates?after=0&timeout=0&limit=1000")
        while page["updates"]:
            self.cursor = page["cursor"]
            page = self.call("GET", f"/updates?after={self.cursor}&timeout=0&limit=1000")
        self.cursor = page.get("cursor", self.cursor)

    def ask(self, channel, text):
        """Posts `text` and waits for the bot's reply in `channel`; returns the seconds it took."""
        self.sent += 1
        start = time.perf_counter()
        self.call("POST", "/messages", {"channel": channel, "text": text,
                                        "idempotency_key": f"{self.member}-{self.sent}-{start}"})
        while True:
            page = self.call("GET", f"/updates?after={self.cursor}&timeout=10&limit=100")
            self.cursor = page["cursor"]
            for update in page["updates"]:
                if update["user"]["id"] == "tandem" and update["channel"] == channel:
                    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build/release/tandem")
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--members", type=int, default=6)
    args = parser.parse_args()

    port = free_port()
    state = tempfile.mkdtemp(prefix="tandem-rt-")
    bot = subprocess.Popen([args.binary, "run", "--port", str(port), "--state", state, "--log-level", "warning"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while True:
            try:
                Member(port, "sam").call("GET", "/channels")
                break
            except (OSError, RuntimeError):
                if time.time() > deadline or bot.poll() is not None:
                    raise SystemExit("the bot did not start")
                time.sleep(0.1)

        # 1. One sender, waiting for each reply, in its direct conversation with the bot.
        sam = Member(port, "sam")
        sam.catch_up()
        for _ in range(10):  # warm-up
            sam.ask("dm-sam-tandem", "campaign spring")
        times = []
        begin = time.perf_counter()
        for _ in range(args.n):
            times.append(sam.ask("dm-sam-tandem", "campaign spring"))
        elapsed = time.perf_counter() - begin
        q = statistics.quantiles(times, n=100)
        print(f"one sender: p50 {statistics.median(times) * 1000:.1f} ms, p90 {q[89] * 1000:.1f} ms, "
              f"p99 {q[98] * 1000:.1f} ms, {args.n / elapsed:.0f} replies/s ({args.n} commands)")

        # 2. Several members at once, each in its own direct conversation with the bot.
        with open("Config/local.json") as config:
            ids = [member["id"] for member in json.load(config)["team"]["members"]][: args.members]
        members = [Member(port, member) for member in ids]
        for m in members:
            m.catch_up()
        per = max(1, args.n // len(members))
        lock = threading.Lock()
        done = []

        def run(m):
            local = [m.ask(f"dm-{m.member}-tandem", "campaign spring") for _ in range(per)]
            with lock:
                done.extend(local)

        begin = time.perf_counter()
        threads = [threading.Thread(target=run, args=(m,)) for m in members]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - begin
        print(f"{len(members)} members at once: {len(done) / elapsed:.0f} replies/s, p50 "
              f"{statistics.median(done) * 1000:.1f} ms ({len(done)} commands)")
    finally:
        bot.terminate()
        bot.wait(timeout=30)
        shutil.rmtree(state, ignore_errors=True)


if __name__ == "__main__":
    main()
