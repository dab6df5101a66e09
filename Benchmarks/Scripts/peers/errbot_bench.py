#!/usr/bin/env python3
"""Errbot side of Benchmarks/Scripts/bench.py: its in-process Test backend (no network, no durability), our plugin
(errbot/campaigns_plugin.py) answering the campaign lookups, log level WARNING. Run with the errbot venv's Python;
prints one JSON line. Each variant runs in a process of its own (Errbot's TestBot is one per process):
  sync: BOT_ASYNC=False, commands handled on the bot's thread;
  pool: BOT_ASYNC=True with its default thread pool (10 threads).
Per variant: pipelined (push N commands, then pop N replies; replies/s, median of 3) and one at a time (push one,
pop its reply; latency p50/p99), CPU of the whole process (bot and this harness, inseparable in-process) from
getrusage; replies are compared with the expected text, so duplicated, missing or garbled replies are counted.
"""
import argparse, collections, json, logging, os, shutil, queue, resource, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def pct(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q / 100 * (len(s) - 1))))]


def variant(name, args, commands):
    os.environ["BENCH_CAMPAIGNS"] = args.campaigns
    sys.path.insert(0, HERE)
    from peer_campaigns import Campaigns
    from errbot.backends.test import TestBot
    expected = {c: Campaigns(args.campaigns).answer(c.split(" ", 1)[1] if " " in c else "") for c in commands}
    bot = TestBot(extra_plugin_dir=os.path.join(HERE, "errbot"), loglevel=logging.WARNING,
                  extra_config={"BOT_ASYNC": name == "pool"})
    bot.start()
    logging.getLogger().setLevel(logging.WARNING)
    b = bot.bot
    stream = [commands[i % len(commands)] for i in range(args.n)]
    for c in commands:  # warm-up, and the plugin answers at all; Errbot renders the Markdown, so the expected
        b.push_message("!" + c)  # text is its first answer, checked against ours with the markup removed
        reply = b.pop_message(timeout=10)
        if reply.replace("*", "") != expected[c].replace("*", ""):
            raise SystemExit(f"errbot: unexpected reply to {c!r}: {reply!r}")
        expected[c] = reply
    runs = []
    for _ in range(3):
        c0, t0 = cpu(), time.perf_counter()
        for c in stream:
            b.push_message("!" + c)
        got = []
        try:
            for _ in stream:
                got.append(b.pop_message(timeout=30))
        except queue.Empty:
            pass
        t1, c1 = time.perf_counter(), cpu()
        extra = 0
        try:
            while True:
                b.pop_message(timeout=0.3)
                extra += 1
        except queue.Empty:
            pass
        wrong = sum(1 for r in got if r not in expected.values())
        # Replies may come out of order with the pool: compare as multisets.
        want = collections.Counter(expected[c] for c in stream)
        surplus = collections.Counter(got) - want  # duplicated or garbled: replies beyond the expected multiset
        missing = max(0, len(stream) - len(got))
        runs.append({"per_s": len(got) / (t1 - t0), "cpu_s": c1 - c0, "replies": len(got), "missing": missing,
                     "duplicates_or_extra": extra, "garbled": wrong, "surplus": sum(surplus.values())})
    lat = []
    c0 = cpu()
    t0 = time.perf_counter()
    one = stream[: max(100, args.n // 2)]
    for c in one:
        s = time.perf_counter()
        b.push_message("!" + c)
        b.pop_message(timeout=30)
        lat.append(time.perf_counter() - s)
    one_s, one_cpu = time.perf_counter() - t0, cpu() - c0
    try:
        bot.stop()
    except AttributeError:  # without a thread pool (BOT_ASYNC=False) its stop() fails; the process ends anyway
        pass
    shutil.rmtree(bot.bot_config.BOT_DATA_DIR, ignore_errors=True)  # TestBot's temp folder
    med = sorted(runs, key=lambda r: r["per_s"])[1]
    return {
        "name": "sync" if name == "sync" else "thread pool",
        "path": "in-process Test backend, no network, no durability"
                + ("; BOT_ASYNC=False" if name == "sync" else "; BOT_ASYNC=True, 10 threads"),
        "pipelined_per_s": med["per_s"], "pipelined_runs": runs,
        "cpu_s_per_1000": med["cpu_s"] / max(1, med["replies"]) * 1000,
        "one_per_s": len(one) / one_s, "one_p50_ms": statistics.median(lat) * 1000, "one_p99_ms": pct(lat, 99) * 1000,
        "one_p999_ms": pct(lat, 99.9) * 1000, "one_cpu_s_per_1000": one_cpu / len(one) * 1000,
        "duplicates_or_extra": sum(r["duplicates_or_extra"] for r in runs),
        "missing": sum(r["missing"] for r in runs), "garbled": sum(r["garbled"] for r in runs),
        "surplus": sum(r["surplus"] for r in runs),
        "n": len(stream),
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--campaigns", required=True)
    p.add_argument("--n", type=int, default=5000)
    p.add_argument("--commands", required=True, help="JSON list of commands (without the ! prefix)")
    p.add_argument("--variant")
    args = p.parse_args()
    commands = json.loads(args.commands)
    if args.variant:
        print(json.dumps(variant(args.variant, args, commands)))
        return
    import errbot
    out = {"version": getattr(errbot, "__version__", None) or _version(), "variants": []}
    for name in ("sync", "pool"):
        r = subprocess.run([sys.executable, __file__, "--campaigns", args.campaigns, "--n", str(args.n),
                            "--commands", args.commands, "--variant", name], capture_output=True, text=True,
                           timeout=600)
        if r.returncode != 0:
            raise SystemExit(f"errbot variant {name} failed: {r.stderr[-1500:]}")
        out["variants"].append(json.loads(r.stdout.strip().splitlines()[-1]))
    print(json.dumps(out))


def _version():
    from importlib.metadata import version
    return version("errbot")


if __name__ == "__main__":
    main()
