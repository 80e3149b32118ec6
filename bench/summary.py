"""One line per run of bench/loadgen.py: the figures the targets name, and the machine's load.

python bench/summary.py bench/results/run1/*.json
"""

import json
import sys
from pathlib import Path


def load(run: dict) -> str:
    machine = run.get("machine", {})
    during = machine.get("loadavg_1min_during", {})
    return f"{during.get('mean', '?')} (max {during.get('max', '?')}), nproc {machine.get('nproc')}"


def figures(run: dict) -> str:
    parts = []
    if "connect" in run and run["scenario"] == "connect":
        c = run["connect"]
        parts.append(
            f"{c['phones']} connected in {c['wall_s']} s, {c['rss_per_phone_kb']} KB RSS/phone"
            f" (server {c['server_rss_before_mb']} → {c['server_rss_after_mb']} MB)"
        )
        if "held" in run:
            parts.append(f"{run['held']['still_connected']} still connected after hold")
    if "votes" in run:
        v = run["votes"]
        screen, fanout, ack = v["vote_to_screen"], v["fanout_to_phones_after_last_vote"], v["ack"]
        parts.append(
            f"{v['acknowledged_ok']}/{v['sent']} acked, {v['throughput_acked_per_s']}/s; "
            f"screen p50/p95/p99/max {screen['p50_ms']}/{screen['p95_ms']}/{screen['p99_ms']}/"
            f"{screen['max_ms']} ms; ack p99 {ack['p99_ms']} ms; all phones final after last"
            f" vote: max {fanout['max_ms']} ms ({fanout['phones_without_final']} without); "
            f"version {v['version_on_server']}/{v['version_expected']}; server CPU "
            f"{v['server_cpu_pct_of_one_core']}%, load generator "
            f"{v.get('loadgen_cpu_pct_of_one_core')}%"
        )
    if "join_storm" in run:
        j = run["join_storm"]
        parts.append(
            f"{j['joined']} joined, {j['connected']} connected, {j['refused']} refused in"
            f" {j['wall_s']} s; join p99 {j['join_http']['p99_ms']} ms, socket connect p99"
            f" {j['socket_connect']['p99_ms']} ms"
        )
    if run.get("errors"):
        parts.append(f"ERRORS {run['errors']}")
    if run.get("server_tracebacks"):
        parts.append(f"{run['server_tracebacks']} server tracebacks")
    return "; ".join(parts)


def main() -> None:
    print("| run | command | figures | load average during (1 min) |")
    print("| --- | --- | --- | --- |")
    for path in sys.argv[1:]:
        run = json.loads(Path(path).read_text())
        if "scenario" not in run:  # bench/vote_path.py
            print(
                f"| {Path(path).stem} | `python bench/vote_path.py` | "
                f"{run['cpu_us_per_vote']} µs CPU/vote, {run['sql_statements_per_vote']} SQL"
                f" statements/vote, {run['python_calls_per_vote']} Python calls/vote, "
                f"{run['cpu_us_per_snapshot_read']} µs/snapshot read | {run['loadavg'][0]} |"
            )
            continue
        print(f"| {Path(path).stem} | `{run['command']}` | {figures(run)} | {load(run)} |")


if __name__ == "__main__":
    main()
