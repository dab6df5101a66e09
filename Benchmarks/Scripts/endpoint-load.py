#!/usr/bin/env python3
"""Load on the local chat endpoint alone: requests/s and server CPU per request, idle RSS, RSS under many posts.

Starts `tandem endpoint` (a release build), drives it with wrk (`apt-get install -y wrk`) over loopback and reads
the server's CPU time (utime + stime) and RSS from /proc before and after each run. Prints one line per run, then
the medians, with the load average (other builds on the machine skew everything).

    swift build -c release --product tandem
    python3 Benchmarks/Scripts/endpoint-load.py --binary .build/release/tandem
"""

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

TOKEN = "local-sam"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

POST_SCRIPT = r"""
local counter = 0
local id = 0
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function init(args)
  id = RUN .. "-" .. os.time() .. "-" .. wrk.thread:get("id")
end
request = function()
  counter = counter + 1
  local body = '{"text":"load message ' .. counter .. '","idempotency_key":"' .. id .. '-' .. counter .. '"}'
  return wrk.format("POST", "/messages", {["Authorization"] = "Bearer TOKEN", ["Content-Type"] = "application/json"}, body)
end
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def get(base, path):
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def post(base, text):
    body = json.dumps({"text": text}).encode()
    request = urllib.request.Request(base + "/messages", data=body, method="POST", headers={
        "Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def latest_id(base):
    return int(get(base, "/updates?timeout=0")["cursor"])


def wrk(url, seconds, connections, threads, script=None):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", script]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = re.search(r"50%\s+([\d.]+\w+)", output).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", output).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return requests, rate, p50, p99, int(errors.group(1)) if errors else 0


def measure(pid, label, url, args, script=None):
    runs = []
    for run in range(args.runs):
        load = load_average()
        before = cpu_seconds(pid)
        requests, rate, p50, p99, errors = wrk(url, args.seconds, args.connections, args.threads, script)
        cpu = cpu_seconds(pid) - before
        per_request_ms = cpu * 1000 / max(requests, 1)
        runs.append((rate, per_request_ms))
        print(f"{label} run {run + 1}: {rate:,.0f} req/s, {per_request_ms:.3f} ms CPU/request, "
              f"latency p50 {p50} p99 {p99}, non-2xx {errors}, load {load}", flush=True)
    rates, cpus = zip(*runs)
    print(f"{label} median: {statistics.median(rates):,.0f} req/s, {statistics.median(cpus):.3f} ms CPU/request",
          flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=".build/release/tandem")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--posts", type=int, default=1_000_000, help="messages to post for the RSS check (0: skip)")
    parser.add_argument("--fill-connections", type=int, default=64, help="connections while posting for the RSS check")
    args = parser.parse_args()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([args.binary, "endpoint", "--port", str(port), "--log-level", "warning"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                get(base, "/channels")
                break
            except OSError:
                time.sleep(0.05)
        time.sleep(1)
        print(f"{args.binary}: idle RSS {rss_mib(server.pid):.1f} MiB, load {load_average()}", flush=True)

        for n in range(100):
            post(base, f"prefill {n}")
        after = latest_id(base)
        measure(server.pid, f"GET /updates?after={after}&timeout=0",
                f"{base}/updates?after={after}&timeout=0", args,
                script=write_script(r"""
request = function()
  return wrk.format("GET", nil, {["Authorization"] = "Bearer TOKEN"})
end
"""))
        measure(server.pid, "POST /messages", f"{base}/messages", args, script=write_script(POST_SCRIPT, run="bench"))

        if args.posts:
            script = write_script(POST_SCRIPT, run="fill")
            posted = latest_id(base)
            print(f"after {posted:,} messages (prefill and POST runs): RSS {rss_mib(server.pid):.1f} MiB", flush=True)
            while posted < args.posts:
                wrk(f"{base}/messages", 5, args.fill_connections, args.threads, script)
                posted = latest_id(base)
                print(f"after {posted:,} messages: RSS {rss_mib(server.pid):.1f} MiB", flush=True)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def write_script(text, run=""):
    handle = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    handle.write(text.replace("TOKEN", TOKEN).replace("RUN", json.dumps(run)))
    handle.close()
    return handle.name


if __name__ == "__main__":
    sys.exit(main())
