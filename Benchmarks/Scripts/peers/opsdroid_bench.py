#!/usr/bin/env python3
"""opsdroid side of Benchmarks/Scripts/bench.py: opsdroid 0.31 as a process of its own with its websocket connector
on loopback (one websocket, no durability) and our skill (opsdroid/campaigns) answering the campaign lookups, log
level WARNING. Run with the opsdroid venv's Python (it uses that venv's aiohttp as the client); prints one JSON line.
Measures pipelined throughput (send N commands on the websocket, read N replies; median of 3), one at a time
(send, wait for the reply: latency p50/p99), CPU of the opsdroid process (/proc/PID/stat) and of this driver.
"""
import argparse, asyncio, collections, json, os, resource, shutil, socket, statistics, subprocess, sys, tempfile, time

import aiohttp

HERE = os.path.dirname(os.path.abspath(__file__))
CLK = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK


def cpu_self():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def pct(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q / 100 * (len(s) - 1))))]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def drive(port, proc, commands, n):
    pid = proc.pid
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as session:
        deadline = time.time() + 120
        while True:  # ready when the connector hands out a socket
            try:
                async with session.post(base + "/connector/websocket") as r:
                    if r.status == 200:
                        sock = json.loads(await r.text())["socket"]
                        break
            except aiohttp.ClientError:
                pass
            if proc.poll() is not None:
                raise SystemExit(f"opsdroid exited with status {proc.returncode} before it answered")
            if time.time() > deadline:
                raise SystemExit("opsdroid: the websocket connector did not answer within 120 s")
            await asyncio.sleep(0.2)
        ws = await session.ws_connect(f"{base}/connector/websocket/{sock}")

        def payload(c):
            return json.dumps({"message": c, "user": "sam", "socket": sock})

        expected = {}
        for c in commands:  # warm-up, and the skill answers at all
            await ws.send_str(payload(c))
            msg = await asyncio.wait_for(ws.receive(), 30)
            expected[c] = msg.data
            if not msg.data or "No campaign" in msg.data or "Usage" in msg.data:
                raise SystemExit(f"opsdroid: unexpected reply to {c!r}: {msg.data!r}")
        stream = [commands[i % len(commands)] for i in range(n)]
        runs = []
        for _ in range(3):
            c0, d0, t0 = proc_cpu(pid), cpu_self(), time.perf_counter()

            async def send():
                for c in stream:
                    await ws.send_str(payload(c))
            sender = asyncio.create_task(send())
            got = []
            try:
                for _ in stream:
                    msg = await asyncio.wait_for(ws.receive(), 30)
                    got.append(msg.data)
            except asyncio.TimeoutError:
                pass
            await sender
            t1, c1, d1 = time.perf_counter(), proc_cpu(pid), cpu_self()
            extra = 0
            try:
                while True:
                    await asyncio.wait_for(ws.receive(), 0.3)
                    extra += 1
            except asyncio.TimeoutError:
                pass
            surplus = collections.Counter(got) - collections.Counter(expected[c] for c in stream)
            runs.append({"per_s": len(got) / (t1 - t0), "cpu_s": c1 - c0, "driver_cpu_s": d1 - d0,
                         "replies": len(got), "missing": len(stream) - len(got), "duplicates_or_extra": extra,
                         "surplus": sum(surplus.values())})
        lat = []
        one = stream[: max(100, n // 2)]
        c0, t0 = proc_cpu(pid), time.perf_counter()
        for c in one:
            s = time.perf_counter()
            await ws.send_str(payload(c))
            await asyncio.wait_for(ws.receive(), 30)
            lat.append(time.perf_counter() - s)
        one_s, one_cpu = time.perf_counter() - t0, proc_cpu(pid) - c0
        await ws.close()
    med = sorted(runs, key=lambda r: r["per_s"])[1]
    return {
        "name": "websocket", "path": "a process of its own, one loopback websocket, no durability",
        "pipelined_per_s": med["per_s"], "pipelined_runs": runs,
        "cpu_s_per_1000": med["cpu_s"] / max(1, med["replies"]) * 1000,
        "driver_cpu_s_per_1000": med["driver_cpu_s"] / max(1, med["replies"]) * 1000,
        "one_per_s": len(one) / one_s, "one_p50_ms": statistics.median(lat) * 1000, "one_p99_ms": pct(lat, 99) * 1000,
        "one_p999_ms": pct(lat, 99.9) * 1000, "one_cpu_s_per_1000": one_cpu / len(one) * 1000,
        "missing": sum(r["missing"] for r in runs), "duplicates_or_extra": sum(r["duplicates_or_extra"] for r in runs),
        "surplus": sum(r["surplus"] for r in runs), "n": n,
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--campaigns", required=True)
    p.add_argument("--n", type=int, default=5000)
    p.add_argument("--commands", required=True)
    args = p.parse_args()
    commands = json.loads(args.commands)
    work = tempfile.mkdtemp(prefix="bench-opsdroid-")
    port = free_port()
    config = os.path.join(work, "configuration.yaml")
    with open(config, "w") as f:
        json.dump({  # JSON is YAML
            "logging": {"level": "warning", "console": True, "path": os.path.join(work, "opsdroid.log")},
            "welcome-message": False,
            "web": {"host": "127.0.0.1", "port": port},
            "connectors": {"websocket": {"max-connections": 10}},
            "skills": {"campaigns": {"path": os.path.join(HERE, "opsdroid", "campaigns"),
                                     "campaigns": os.path.abspath(args.campaigns), "no-cache": True}},
        }, f)
    env = dict(os.environ, XDG_CONFIG_HOME=work, XDG_DATA_HOME=work, HOME=work, BENCH_PEERS_DIR=HERE)
    log = open(os.path.join(work, "stderr.log"), "w+")
    proc = subprocess.Popen([sys.executable, "-m", "opsdroid", "start", "-f", config], stdout=log,
                            stderr=subprocess.STDOUT, env=env, cwd=work)
    try:
        result = asyncio.run(asyncio.wait_for(drive(port, proc, commands, args.n), 900))
        if proc.poll() is not None:
            raise SystemExit("opsdroid exited")
    except BaseException:
        log.flush()
        log.seek(0)
        sys.stderr.write(log.read()[-3000:])
        raise
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(work, ignore_errors=True)
    from importlib.metadata import version
    print(json.dumps({"version": version("opsdroid"), "variants": [result]}))


if __name__ == "__main__":
    main()
