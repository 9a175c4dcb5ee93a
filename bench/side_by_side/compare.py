#!/usr/bin/env python3
"""Redmine and Qingdan side by side: bench.py's workload against both, in one run.

  python3 compare.py                      # Redmine (start it: ../redmine/setup.sh) vs Qingdan on SQLite
  python3 compare.py --runs 2 --quiet-wait 60 --json results/out.json
  python3 compare.py --targets redmine,qingdan-sqlite,qingdan-pg
  python3 compare.py --keepalive          # persistent connections, for every target
  python3 compare.py --targets qingdan-sqlite --top 200     # Qingdan alone, 10x the tree

Every workload knob is bench.py's (--top/--mid/--leaf, -c, --lists, --updates,
--rollup-rounds, --keepalive, --quiet-wait, --seed, ...) and applies to every
target.  compare.py starts each Qingdan itself (fresh SQLite data directory,
or a fresh database `qingdan_bench` in PostgreSQL 15/main) on a free loopback
port and stops it at the end; Redmine must already be running (setup.sh).

Phases run interleaved - phase a on every target, then b, and so on - so both
sides of a row are measured minutes apart on this shared machine, not a
quarter of an hour; with --runs N the order of the targets alternates.  For
each phase the table gives throughput, p50/p99 latency, the server's CPU per
operation (from /proc: puma + PostgreSQL 15/main for Redmine; the qingdan
process, plus PostgreSQL 15/main for qingdan-pg), and the CPU that other
processes on the machine used meanwhile (the noise).  Python 3 stdlib only.
"""
import argparse
import json
import os
import platform
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "shared", "peers", "redmine"))
import bench  # noqa: E402
from qingdan_bench import QingdanBench, QingdanServer, default_binary  # noqa: E402

# (phase, method, letter of --phases, which targets run it)
PHASES = [("a_create", "phase_create", "a", "all"),
          ("b_update", "phase_update", "b", "all"),
          ("b2_submit", "phase_submit", "b", "qingdan"),
          ("c_list", "phase_list", "c", "all"),
          ("d_rollup", "phase_rollup", "d", "all")]

# bench.py's list kinds and the Qingdan query standing in for each.
KIND_PAIRS = [("page", "page", "page of 25 (offset / keyset after=)"),
              ("status", "status", "status=… (25)"),
              ("parent", "parent", "children of a mid: parent_id= / parent="),
              ("subtree", "subtree", "subtree of a top: parent_id=~ / subtree= (50)"),
              ("assignee", "owner", "assigned_to_id sorted / owner= (50)"),
              ("custom_field", "target_min", "custom field >= / target_min= (25)")]


# ------------------------------------------------------------------ figures
def op_rows(P):
    """phase summaries -> {row: figures}; one row per compared operation."""
    out = {}

    def put(key, x, per_s, lat, n):
        if x is None:
            return
        out[key] = {"per_s": x.get(per_s), "p50": lat.get("p50_ms"), "p99": lat.get("p99_ms"), "n": n,
                    "cpu_ms_per_op": round(1000.0 * x["server_cpu_s"] / n, 2) if n else None,
                    "server_cpu_s": x["server_cpu_s"], "client_cpu_s": x["client_cpu_s"],
                    "other_cpu_s": x["other_cpu_s"], "wall_s": x["wall_s"],
                    "other_pct": round(100.0 * x["other_cpu_s"] / (os.cpu_count() * x["wall_s"]), 1)
                    if x["wall_s"] else None,
                    "http_per_op": x.get("http_per_op", 1),
                    "errors": sum(x["errors"].values()) if isinstance(x.get("errors"), dict) else x.get("errors", 0)}

    a, b, b2, c, d = (P.get(k) for k in ("a_create", "b_update", "b2_submit", "c_list", "d_rollup"))
    if a:
        put("a", a, "issues_per_s", a["latency"], a["issues"])
    if b:
        put("b", b, "req_per_s", b["latency_incl_retries"], b["ok"])
    if b2:
        put("b2", b2, "req_per_s", b2["latency"], b2["ok"])
    if c:
        put("c", c, "req_per_s", c["latency"], c["ok"])
        for k, y in c["by_kind"].items():
            out["c:" + k] = {"p50": y["latency"].get("p50_ms"), "p99": y["latency"].get("p99_ms"),
                             "avg_rows": y["avg_issues"], "empty": y["empty_pages"]}
    if d:
        put("d", d, "req_per_s", d["latency_all"], d["requests"])
        out["d:top"] = {"p50": d["latency_top_with_children"].get("p50_ms"),
                        "p99": d["latency_top_with_children"].get("p99_ms")}
    return out


def fmt(v, nd=1):
    if v is None or v == "":
        return "–"
    if isinstance(v, float):
        return f"{v:,.{nd}f}" if abs(v) < 100 else f"{v:,.0f}"
    return f"{v:,}" if isinstance(v, int) else str(v)


def ratio(x, y):
    return f"{x / y:,.1f}×" if x and y else "–"


def side_table(R, Q, qlabel):
    """Markdown table: Redmine | Qingdan | ratios."""
    hdr = ["operation", "Redmine /s", "p50 ms", "p99 ms", "CPU ms/op", "other cpu",
           f"{qlabel} /s", "p50 ms", "p99 ms", "CPU ms/op", "other cpu", "/s Q÷R", "CPU R÷Q"]
    lines = ["| " + " | ".join(hdr) + " |", "|" + "|".join(["---"] + ["---:"] * (len(hdr) - 1)) + "|"]

    def main_row(label, r, q):
        r, q = r or {}, q or {}
        oc = lambda x: f"{fmt(x.get('other_cpu_s'))} s ({fmt(x.get('other_pct'), 0)}%)" if x else "–"
        lines.append("| " + " | ".join([
            label, fmt(r.get("per_s")), fmt(r.get("p50")), fmt(r.get("p99")), fmt(r.get("cpu_ms_per_op"), 2), oc(r),
            fmt(q.get("per_s")), fmt(q.get("p50")), fmt(q.get("p99")), fmt(q.get("cpu_ms_per_op"), 2), oc(q),
            ratio(q.get("per_s"), r.get("per_s")), ratio(r.get("cpu_ms_per_op"), q.get("cpu_ms_per_op"))]) + " |")

    def sub_row(label, r, q):
        r, q = r or {}, q or {}
        rows = lambda x: f"({fmt(x['avg_rows'])} rows)" if x.get("avg_rows") is not None else ""
        lines.append("| " + " | ".join([
            label, rows(r), fmt(r.get("p50")), fmt(r.get("p99")), "", "", rows(q), fmt(q.get("p50")), fmt(q.get("p99")),
            "", "",
            "p50 " + ratio(r.get("p50"), q.get("p50")), ""]) + " |")

    main_row("a. create task in 3-level tree (Q: with its responsibility)", R.get("a"), Q.get("a"))
    main_row("b. update leaf progress (Q: report + acceptance)", R.get("b"), Q.get("b"))
    if "b2" in Q:
        main_row("b′. (Q: report submission alone; R: = b)", R.get("b"), Q.get("b2"))
    main_row("c. list/filter mix, paginated", R.get("c"), Q.get("c"))
    for rk, qk, label in KIND_PAIRS:
        if "c:" + rk in R or "c:" + qk in Q:
            sub_row("— " + label, R.get("c:" + rk), Q.get("c:" + qk))
    main_row("d. roll-up read, all parents (C=1)", R.get("d"), Q.get("d"))
    sub_row("— top task (R: include=children)", R.get("d:top"), Q.get("d:top"))
    return "\n".join(lines)


def solo_table(rows, labels):
    """Markdown table of targets without Redmine (e.g. Qingdan alone, or SQLite vs PostgreSQL)."""
    hdr = ["operation"] + [f"{l} {w}" for l in labels for w in ("/s", "p50 ms", "p99 ms", "CPU ms/op", "other cpu")]
    lines = ["| " + " | ".join(hdr) + " |", "|" + "|".join(["---"] + ["---:"] * (len(hdr) - 1)) + "|"]
    for key, name in (("a", "a. create (with responsibility)"), ("b", "b. update (report + acceptance)"),
                      ("b2", "b′. report submission alone"), ("c", "c. list/filter mix"),
                      ("d", "d. roll-up read (C=1)")):
        cells = []
        for l in labels:
            x = rows[l].get(key, {})
            cells += [fmt(x.get("per_s")), fmt(x.get("p50")), fmt(x.get("p99")), fmt(x.get("cpu_ms_per_op"), 2),
                      f"{fmt(x.get('other_cpu_s'))} s ({fmt(x.get('other_pct'), 0)}%)" if x else "–"]
        lines.append("| " + " | ".join([name] + cells) + " |")
    return "\n".join(lines)


def checks(label, s):
    """Correctness and error lines for one target's summary."""
    P, out = s["phases"], []
    errs = {k: v.get("errors") for k, v in P.items() if v.get("errors")}
    errs = {k: v for k, v in errs.items() if (sum(v.values()) if isinstance(v, dict) else v)}
    out.append(f"{label}: errors (non-2xx or network) by phase: {errs or 'none'}")
    if "b_update" in P and P["b_update"].get("conflict_retries"):
        b = P["b_update"]
        out.append(f"{label}: {b['conflict_retries']} lock conflicts retried ({b['updates_needing_retry']} updates)")
    if "d_rollup" in P:
        d = P["d_rollup"]
        out.append(f"{label}: roll-up checked on {d['checked']} parents, {d['mismatches']} mismatches"
                   f"{' e.g. ' + json.dumps(d['mismatch_samples'][:3]) if d['mismatches'] else ''}; "
                   f"first tops {d['sample_top_done_ratio']}")
        pc = d.get("plan_progress_check")
        if pc:
            out.append(f"{label}: plan progress: {pc.get('sections_checked')} sections, "
                       f"{pc.get('section_mismatches')} mismatches; plan {pc.get('plan_percent')}% "
                       f"(expected {pc.get('plan_expected')}%)")
    return out


def spread(runs, label, key, field):
    vals = [op_rows(r[label]["phases"]).get(key, {}).get(field) for r in runs if label in r]
    vals = [v for v in vals if v is not None]
    if not vals:
        return "–"
    return fmt(vals[0], 2 if field == "cpu_ms_per_op" else 1) if len(vals) == 1 else \
        " / ".join(fmt(v, 2 if field == "cpu_ms_per_op" else 1) for v in vals)


def spread_table(runs, labels):
    hdr = ["operation"] + [f"{l} {w}" for l in labels for w in ("/s", "CPU ms/op")]
    lines = ["| " + " | ".join(hdr) + " |", "|" + "|".join(["---"] + ["---:"] * (len(hdr) - 1)) + "|"]
    for key, name in (("a", "a. create"), ("b", "b. update"), ("b2", "b′. submit alone"),
                      ("c", "c. list mix"), ("d", "d. roll-up read")):
        cells = [spread(runs, l, key, f) for l in labels for f in ("per_s", "cpu_ms_per_op")]
        if any(c != "–" for c in cells):
            lines.append("| " + " | ".join([name] + cells) + " |")
    return "\n".join(lines)


def machine():
    model = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        mem = open("/proc/meminfo").readline().split(":", 1)[1].strip()
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": model, "mem": mem, "kernel": platform.release(),
            "python": platform.python_version(), "loadavg": [round(x, 2) for x in os.getloadavg()]}


# --------------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
                                 parents=[bench.make_parser(add_help=False)], conflict_handler="resolve")
    ap.add_argument("--targets", default="redmine,qingdan-sqlite",
                    help="comma list of redmine, qingdan-sqlite, qingdan-pg (default %(default)s)")
    ap.add_argument("--runs", type=int, default=1, help="repeat the whole comparison N times (default 1)")
    ap.add_argument("--qingdan-bin", default=default_binary(),
                    help="the release binary (default $QINGDAN_BIN or ../../../main/target/release/qingdan: "
                         "%(default)s)")
    ap.add_argument("--qingdan-pg-db", default="qingdan_bench",
                    help="database created (dropped first) in PostgreSQL 15/main for qingdan-pg")
    ap.add_argument("--review-batch", type=int, default=1,
                    help="Qingdan: accept the reports of phase b in bulk (POST /api/v1/reviews), this many per request; "
                         "each report is still submitted alone (default 1: one acceptance request per report)")
    ap.add_argument("--qingdan-cpus", default=None,
                    help="run each Qingdan server under `taskset -c LIST` (e.g. 0: one core; default: every core). "
                         "On a small VM a server held to one core hands work between its threads without "
                         "waking the other core; see docs/benchmarks.md")
    ap.add_argument("--workdir", default="/tmp", help="where Qingdan's SQLite data directory goes")
    ap.add_argument("--keep", action="store_true", help="keep Qingdan's data directory / database at the end")
    ap.add_argument("--table", help="also write the printed tables to this file")
    ap.add_argument("--json", help="write every run's full summaries (JSON) to this file")
    a = ap.parse_args()
    if a.create_concurrency is None:
        a.create_concurrency = a.concurrency
    if min(a.top, a.mid, a.leaf, a.concurrency, a.create_concurrency, a.runs) < 1:
        bench.die("sizes, concurrency and --runs must be >= 1")
    targets = [t.strip() for t in a.targets.split(",") if t.strip()]
    bad = [t for t in targets if t not in ("redmine", "qingdan-sqlite", "qingdan-pg")]
    if bad or not targets:
        bench.die(f"unknown --targets {bad or a.targets}")
    if "a" not in a.phases:
        bench.die("phases b/c/d need phase a (the tree) in the same run")

    t0 = time.time()
    servers, runs = [], []
    try:
        for t in targets:
            if t.startswith("qingdan-"):
                srv = QingdanServer(a.qingdan_bin, t.split("-", 1)[1], a.workdir, a.qingdan_pg_db, a.keep,
                                    cpus=a.qingdan_cpus)
                print(f"starting {srv.label} ...", file=sys.stderr)
                servers.append(srv.start())
                print(f"  {srv.label} at {srv.base} (pid {srv.proc.pid})", file=sys.stderr)
        for run in range(a.runs):
            benches = []
            if "redmine" in targets:
                benches.append(("redmine", bench.Bench(a)))
            for srv in servers:
                benches.append((srv.label, QingdanBench(a, srv.base, srv.watch, srv.label)))
            if run % 2:
                benches.reverse()   # alternate who goes first in each phase
            for label, b in benches:
                b.prepare()
                b.warmup()
                print(f"run {run + 1}/{a.runs} {label}: tree {a.top}x{a.mid}x{a.leaf}, C={a.concurrency}, "
                      f"{'keep-alive' if a.keepalive else 'new connection per request'}", file=sys.stderr)
            for name, method, letter, who in PHASES:
                if letter not in a.phases:
                    continue
                for label, b in benches:
                    if who == "qingdan" and label == "redmine":
                        continue
                    print(f"  [{label}] phase {name} ...", file=sys.stderr)
                    before = getattr(b, "before_" + method, None)
                    if before:
                        before()   # unmeasured set-up of the phase (Qingdan's keyset cursors)
                    t1 = time.time()
                    x = b.measure(name, getattr(b, method))
                    print(f"  [{label}] {name}: {time.time() - t1:.0f} s, other cpu {x['other_cpu_s']} s",
                          file=sys.stderr)
            for label, b in benches:
                b.summary["machine"] = machine()
            runs.append({label: b.summary for label, b in benches})
    finally:
        server_info = [s.info() for s in servers]
        for srv in servers:
            srv.stop()

    labels = (["redmine"] if "redmine" in targets else []) + [s.label for s in servers]
    text = []
    mode = "keep-alive (one connection per client thread)" if a.keepalive else "new TCP connection per request"
    text.append(f"# compare.py {time.strftime('%Y-%m-%d %H:%M')} - tree {a.top}x{a.mid}x{a.leaf} "
                f"({a.top + a.top * a.mid + a.top * a.mid * a.leaf} tasks), C={a.concurrency}, {mode}, "
                f"{a.runs} run(s), {round(time.time() - t0)} s")
    for i, r in enumerate(runs):
        text.append(f"\n## run {i + 1}\n")
        for label in labels:
            text.append(f"### {label} (bench.py table)\n```\n{bench.table(r[label])}\n```")
        if "redmine" in r:
            R = op_rows(r["redmine"]["phases"])
            for label in labels[1:]:
                text.append(f"\n### Redmine vs {label}\n")
                text.append(side_table(R, op_rows(r[label]["phases"]), label))
        else:
            text.append("\n### " + " vs ".join(labels) + "\n")
            text.append(solo_table({l: op_rows(r[l]["phases"]) for l in labels}, labels))
        text.append("")
        for label in labels:
            text += checks(label, r[label])
    if a.runs > 1:
        text.append(f"\n## spread over {a.runs} runs (run 1 / run 2 / ...)\n")
        text.append(spread_table(runs, labels))
    out = "\n".join(text)
    print(out)
    if a.table:
        with open(a.table, "w") as f:
            f.write(out + "\n")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"command": [os.path.basename(sys.executable)] + sys.argv, "targets": targets,
                       "servers": server_info, "machine": machine(),
                       "params": {k: v for k, v in vars(a).items() if k != "key"},
                       "total_wall_s": round(time.time() - t0, 1),
                       "runs": runs, "rows": [{l: op_rows(r[l]["phases"]) for l in r} for r in runs]},
                      f, indent=2, ensure_ascii=False)
        print(f"JSON written to {a.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
