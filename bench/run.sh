#!/usr/bin/env bash
# Load run of Qingdan (issue 2, item 10): seeds a synthetic tenant (100,000
# tasks, 2,000 orgs, 5,000 users, 1,000,000 reports by default) into a fresh
# database, serves it, and drives it with wrk at 16 connections:
#   overview  GET  /plans/{id}                      (HTML, as a supervisor)
#   map       GET  /plans/{id}/map                  (挂图作战, HTML with its chart data)
#   list      GET  /api/v1/plans/{id}/tasks?...     (filters and pages vary)
#   submit    POST /api/v1/tasks/{id}/reports       (each request a fresh report)
# and, before serving, exports the plan's 台账 (.xlsx) once (qingdan-bench ledger);
# then prints p50/p99 latency, requests/s and the server's peak RSS (VmHWM).
#
#   bench/run.sh                 SQLite in a temporary data directory
#   bench/run.sh --pg            a throwaway PostgreSQL 15 (fsync on) on port 55433
#   bench/run.sh --assignments 100000
#                                also N open 交办事项 (issue 5): times the 督办
#                                scheduler's pass on 10 consecutive days, and
#                                loads the office's page GET /assignments
#   bench/run.sh --projects 20000
#                                also N key projects with two years of
#                                half-monthly reports (issue 15): times the
#                                project ledger export and the 调度会 agenda,
#                                and loads GET /projects, /projects?light=red,
#                                /dispatch (the agenda) and /projects/map
#   bench/run.sh --assessment    also times a 40-indicator 考核 month over
#                                every org (issue 16)
# Options: --duration 30s  --connections 16  --threads 2  --no-build  --keep
#          --tasks N --orgs N --users N --reports N --assignments N  (passed to qingdan-bench seed)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ENGINE=sqlite
DURATION=30s
CONNECTIONS=16
THREADS=2
BUILD=1
KEEP=0
PORT=18080
PG_PORT=55433
SEED_ARGS=()
ASSIGNMENTS=0
PROJECTS=0
ASSESSMENT=0
while [ $# -gt 0 ]; do
    case "$1" in
        --pg) ENGINE=postgres ;;
        --duration) DURATION=$2; shift ;;
        --connections) CONNECTIONS=$2; shift ;;
        --threads) THREADS=$2; shift ;;
        --no-build) BUILD=0 ;;
        --keep) KEEP=1 ;;
        --tasks|--orgs|--users|--reports) SEED_ARGS+=("$1" "$2"); shift ;;
        --assignments) ASSIGNMENTS=$2; SEED_ARGS+=("$1" "$2"); shift ;;
        --projects) PROJECTS=$2; SEED_ARGS+=("$1" "$2"); shift ;;
        --assessment) ASSESSMENT=1 ;;
        -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
        *) echo "bench/run.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

for tool in wrk curl python3; do
    command -v "$tool" >/dev/null || { echo "bench/run.sh: $tool is needed (apt-get install -y $tool)" >&2; exit 1; }
done

TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$TARGET_DIR/release/qingdan
BENCH_BIN=$TARGET_DIR/release/qingdan-bench
if [ "$BUILD" = 1 ]; then
    (cd "$ROOT" && cargo build --release -p qingdan -p qingdan-bench)
fi

WORK=$(mktemp -d /tmp/qingdan-bench.XXXXXX)
chmod 755 "$WORK"
SERVER_PID=
PG_DATA=
PG_BIN=/usr/lib/postgresql/15/bin
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    if [ -n "$PG_DATA" ]; then as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast stop >/dev/null 2>&1 || true; fi
    if [ "$KEEP" = 0 ]; then rm -rf "$WORK"; else echo "kept $WORK"; fi
}
trap cleanup EXIT

if [ "$ENGINE" = postgres ]; then
    PG_DATA=$WORK/pg
    mkdir -p "$PG_DATA"
    [ "$(id -u)" = 0 ] && chown postgres "$PG_DATA"
    as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U app --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    # Defaults otherwise: fsync, synchronous_commit and full_page_writes stay on.
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/log" -w \
        -o "-k $PG_DATA -p $PG_PORT -c listen_addresses=127.0.0.1 -c max_connections=100" start >/dev/null
    "$PG_BIN/psql" "postgres://app@127.0.0.1:$PG_PORT/postgres" -qAtc "CREATE DATABASE bench"
    DB_FLAGS=(--database-url "postgres://app@127.0.0.1:$PG_PORT/bench")
else
    DB_FLAGS=(--data-dir "$WORK/data")
fi

echo "== seeding ($ENGINE) ${SEED_ARGS[*]:-with defaults}"
SEED_START=$(date +%s)
"$BENCH_BIN" seed "${DB_FLAGS[@]}" "${SEED_ARGS[@]}" > "$WORK/seed.json"
SEED_SECONDS=$(( $(date +%s) - SEED_START ))
echo "   seeded in ${SEED_SECONDS}s"
if [ "$ENGINE" = sqlite ]; then du -sh "$WORK/data" | sed 's/^/   database size: /'; fi

if [ "$ASSIGNMENTS" -gt 0 ]; then
    echo "== 督办 scheduler: one pass per day, 10 days from today ($ASSIGNMENTS open matters)"
    "$BENCH_BIN" sweep "${DB_FLAGS[@]}" --days 10 | tee "$WORK/sweep.jsonl"
fi

if [ "$PROJECTS" -gt 0 ]; then
    echo "== project ledger export and the 调度会 agenda ($PROJECTS projects; target: export <= 3 s)"
    "$BENCH_BIN" projects "${DB_FLAGS[@]}" | tee "$WORK/projects.json"
fi
if [ "$ASSESSMENT" = 1 ]; then
    echo "== 考核: a 40-indicator month over every org (target: computed <= 2 s)"
    "$BENCH_BIN" assessment "${DB_FLAGS[@]}" | tee "$WORK/assessment.json"
fi

echo "== 台账 export of the whole plan (target: 100,000 tasks in <= 5 s and <= 500 MiB)"
"$BENCH_BIN" ledger "${DB_FLAGS[@]}" | tee "$WORK/ledger.json"

echo "== serving"
QINGDAN_LOG=warn "$BIN" serve --listen "127.0.0.1:$PORT" "${DB_FLAGS[@]}" > "$WORK/serve.log" 2>&1 &
SERVER_PID=$!
BASE=http://127.0.0.1:$PORT
for _ in $(seq 1 600); do
    curl -fs "$BASE/healthz" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.log"; exit 1; }
    sleep 0.2
done
curl -fs "$BASE/healthz" >/dev/null || { echo "server not ready" >&2; exit 1; }

# Sign in (supervisor and every sample reporter); write wrk's inputs.
python3 - "$WORK" "$BASE" <<'PY'
import json, random, sys, urllib.request, concurrent.futures as cf
work, base = sys.argv[1], sys.argv[2]
seed = json.load(open(f"{work}/seed.json"))
def login(username):
    body = json.dumps({"username": username, "password": seed["password"]}).encode()
    req = urllib.request.Request(f"{base}/api/v1/session", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        for h in r.headers.get_all("Set-Cookie"):
            if h.startswith("qingdan_session="):
                return h.split(";")[0]
    raise SystemExit(f"no session cookie for {username}")
plan = seed["plan_id"]
open(f"{work}/supervisor.cookie", "w").write(login(seed["supervisor"]))
with cf.ThreadPoolExecutor(4) as pool:
    cookies = list(pool.map(login, [r["username"] for r in seed["reporters"]]))
rng = random.Random(2026)
# Submissions: every (reporter, task, period) once, interleaved across reporters.
queues = []
for rep, cookie in zip(seed["reporters"], cookies):
    free = list(rep["free"]); rng.shuffle(free)
    queues.append([(cookie, t, p) for t, p in free])
subs = []
while any(queues):
    for q in queues:
        if q: subs.append(q.pop())
with open(f"{work}/submit.tsv", "w") as f:
    for cookie, task, period in subs:
        f.write(f"{cookie}\t{task}\t{period}\n")
# Task list: first pages unfiltered and by light, a lead org's tasks, a text search, a deeper page.
depts = seed["department_ids"]
topics = ["交通", "教育", "医疗", "养老", "就业", "生态", "农田", "水利", "工业", "科技"]
paths = []
for i in range(4000):
    kind = i % 5
    q = f"/api/v1/plans/{plan}/tasks?per_page=50"
    if kind == 0: q += f"&page={rng.randrange(10)}"
    elif kind == 1: q += f"&light={rng.choice(['red','yellow','green'])}&page={rng.randrange(10)}"
    elif kind == 2: q += f"&lead_org={rng.choice(depts)}"
    elif kind == 3: q += f"&q={urllib.parse.quote(rng.choice(topics))}&page={rng.randrange(3)}"
    else: q += f"&light=red&lead_org={rng.choice(depts)}&page=0"
    paths.append(q)
open(f"{work}/list.txt", "w").write("\n".join(paths) + "\n")
print(f"   signed in 1 supervisor and {len(cookies)} reporters; {len(subs)} fresh submissions available")
PY

HERE=$(cd "$(dirname "$0")" && pwd)
SUPERVISOR_COOKIE=$(cat "$WORK/supervisor.cookie")
PLAN_ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["plan_id"])' "$WORK/seed.json")
rss() { awk -v k="$1:" '$1 == k { print int($2 / 1024) }' "/proc/$SERVER_PID/status"; }

# Sanity: each endpoint answers as expected once before it is loaded.
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $SUPERVISOR_COOKIE" "$BASE/plans/$PLAN_ID")
[ "$code" = 200 ] || { echo "overview answered $code" >&2; exit 1; }
# The first request builds the battle map (about half a second on 100,000
# tasks; later rebuilds happen while the others are served the previous map).
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $SUPERVISOR_COOKIE" "$BASE/plans/$PLAN_ID/map")
[ "$code" = 200 ] || { echo "map answered $code" >&2; exit 1; }

RESULTS=()
run_wrk() { # name, wrk args...
    local name=$1; shift
    echo "== $name: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency $*"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" > "$WORK/$name.wrk" 2>&1
    cat "$WORK/$name.wrk"
    local p50 p99 rps bad
    p50=$(awk '$1 == "50%" { print $2 }' "$WORK/$name.wrk")
    p99=$(awk '$1 == "99%" { print $2 }' "$WORK/$name.wrk")
    rps=$(awk '$1 == "Requests/sec:" { print $2 }' "$WORK/$name.wrk")
    bad=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$WORK/$name.wrk")
    RESULTS+=("$(printf '%-9s %10s %10s %12s %9s %8s' "$name" "$p50" "$p99" "$rps" "${bad:-0}" "$(rss VmRSS)")")
}

cd "$WORK"
run_wrk overview -H "Cookie: $SUPERVISOR_COOKIE" "$BASE/plans/$PLAN_ID"
run_wrk map -H "Cookie: $SUPERVISOR_COOKIE" "$BASE/plans/$PLAN_ID/map"
run_wrk list -H "Cookie: $SUPERVISOR_COOKIE" -s "$HERE/list.lua" "$BASE" -- "$WORK/list.txt" "$THREADS"
run_wrk submit -s "$HERE/submit.lua" "$BASE" -- "$WORK/submit.tsv" "$THREADS"
if [ "$ASSIGNMENTS" -gt 0 ]; then
    run_wrk matters -H "Cookie: $SUPERVISOR_COOKIE" "$BASE/assignments"
fi
if [ "$PROJECTS" -gt 0 ]; then
    # The first map request sums every project; later ones are served the cached map.
    curl -s -o /dev/null -H "Cookie: $SUPERVISOR_COOKIE" "$BASE/projects/map"
    run_wrk projects -H "Cookie: $SUPERVISOR_COOKIE" "$BASE/projects"
    run_wrk projred -H "Cookie: $SUPERVISOR_COOKIE" "$BASE/projects?light=red"
    run_wrk agenda -H "Cookie: $SUPERVISOR_COOKIE" "$BASE/dispatch"
    run_wrk projmap -H "Cookie: $SUPERVISOR_COOKIE" "$BASE/projects/map"
fi
HWM=$(rss VmHWM)

echo
echo "== summary: $ENGINE, $(nproc) cores, $(python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print("%(tasks)d tasks, %(orgs)d orgs, %(users)d users, %(reports)d reports" % s)' "$WORK/seed.json"), seeded in ${SEED_SECONDS}s"
printf '%-9s %10s %10s %12s %9s %8s\n' endpoint p50 p99 req/s non-2xx RSS_MiB
for line in "${RESULTS[@]}"; do echo "$line"; done
echo "server peak RSS (VmHWM): ${HWM} MiB"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("ledger export: %(tasks)d tasks, %(rows)d rows, %(seconds).2f s, peak RSS %(peak_rss_mib)s MiB (targets <= 5 s, <= 500 MiB)" % r)' "$WORK/ledger.json"
echo "targets: p99 <= 50ms for overview and list; map p99 <= 100 ms; >= 1000 submissions/s; RSS <= 300 MiB"
if [ "$ASSIGNMENTS" -gt 0 ]; then
    python3 - "$WORK/sweep.jsonl" <<'PY'
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
worst = max(r, key=lambda x: x["sweep_ms"])
print("督办 sweep (lights): slowest %.0f ms (%s, %d changes); with reminders queued: slowest %.0f ms; target <= 1000 ms"
      % (worst["sweep_ms"], worst["day"], worst["changed"], max(x["ms"] for x in r)))
print("matters page (GET /assignments) p99 target <= 100 ms")
PY
fi
