"""bench.py's workload against Qingdan's JSON API (/api/v1), for compare.py.

QingdanBench subclasses bench.Bench (peers/redmine/bench.py) and keeps its
tree shape, counts, concurrency, connection mode, random seed, timing and
/proc CPU bookkeeping (Bench.measure); only the HTTP calls differ.  How each
Redmine operation maps onto Qingdan (see README.md for why):

  a. create   Redmine: POST /issues.json (parent, assignee, custom field)
              Qingdan: POST /plans/{p}/tasks (parent_id, one target "target
              value") + PUT /tasks/{id}/assignment (lead org + owner, the
              assignee's equivalent): two requests count as one created task.
  b. update   Redmine: PUT /issues/{id}.json (done_ratio, status, note)
              Qingdan: the lead org's reporter POSTs /tasks/{id}/reports
              (percent_done, narrative) and the supervisor POSTs
              /reports/{rid}/review {"decision":"accept"}: one update = both.
  b2. submit  Qingdan only: the report submission alone (a later period, not
              reviewed, so it does not change progress).
  c. list     GET /plans/{p}/tasks with, in the order of bench.py's kinds:
              page | light (for status) | q=<parent tag> (no parent filter) |
              q=<top tag> (no subtree filter) | lead_org (for assignee; no
              sort option) | q=<topic word> (no target-value filter).
  d. rollup   GET /tasks/{id} of every top and mid task (there is no
              include=children), checking percent_done against the value
              computed from the leaves; then GET /plans/{p}/progress once,
              checking each section (top task) and the plan's percent.
"""
import datetime
import http.client
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "shared", "peers", "redmine"))
import bench  # noqa: E402  (peers/redmine/bench.py)

PASSWORD = "bench-pass-2026"          # every account this script creates
ADMIN = "admin"
TOPICS = ["交通", "教育", "医疗", "养老", "就业", "生态", "农田", "水利", "工业", "科技"]
PG_CLUSTER_PATTERN = "15/main"         # cmdline of the Debian cluster's processes


def default_binary():
    return os.environ.get("QINGDAN_BIN") or os.path.normpath(
        os.path.join(HERE, "..", "..", "target", "release", "qingdan"))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def month_shift(day, months):
    """'YYYY-MM' of the month `months` away from `day`'s month."""
    m = day.year * 12 + day.month - 1 + months
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


# ------------------------------------------------------------------ server
class QingdanServer:
    """A `qingdan serve` this script starts on a free loopback port and stops.

    engine "sqlite": a fresh data directory under `workdir` (removed at stop
    unless keep).  engine "pg": a fresh database `pg_db` in the running Debian
    cluster 15/main, owned by a role named after the OS user (created if
    missing) and reached over the Unix socket with peer authentication, as
    Redmine reaches its own (database, and the role if this created it,
    dropped at stop unless keep).  The URL travels in QINGDAN_DATABASE_URL,
    not on the command line, so that no server's cmdline says "postgres".
    """

    def __init__(self, binary, engine, workdir="/tmp", pg_db="qingdan_bench", keep=False, cpus=None):
        if not os.access(binary, os.X_OK):
            bench.die(f"no Qingdan binary at {binary} (build it, or give --qingdan-bin / $QINGDAN_BIN)")
        self.binary, self.engine, self.workdir, self.pg_db, self.keep = binary, engine, workdir, pg_db, keep
        # taskset -c LIST before the server (it execs, so the cmdline watched stays the server's).
        self.pin = ["taskset", "-c", cpus] if cpus else []
        self.proc = self.port = self.data_dir = self.log_path = self.created_role = None
        self.env = dict(os.environ)
        # The shipped log level (no per-request lines), unless QINGDAN_BENCH_LOG asks for another.
        self.env.pop("QINGDAN_LOG", None)
        if os.environ.get("QINGDAN_BENCH_LOG"):
            self.env["QINGDAN_LOG"] = os.environ["QINGDAN_BENCH_LOG"]
        self.env.pop("QINGDAN_DATABASE_URL", None)
        self.env.pop("QINGDAN_DATA_DIR", None)

    @property
    def label(self):
        return f"qingdan-{self.engine}"

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def watch(self):
        """cmdline substrings of this server's processes (unique: our port)."""
        pats = [f"serve --listen 127.0.0.1:{self.port}"]
        return pats + ([PG_CLUSTER_PATTERN] if self.engine == "pg" else [])

    def _psql(self, sql):
        return subprocess.run(["runuser", "-u", "postgres", "--", "psql", "-v", "ON_ERROR_STOP=1", "-qAtX", "-c", sql],
                              check=True, stdout=subprocess.PIPE, text=True,
                              env=dict(os.environ, PGOPTIONS="-c client_min_messages=warning")).stdout.strip()

    def start(self):
        db_args = []
        if self.engine == "sqlite":
            self.data_dir = tempfile.mkdtemp(prefix="qingdan-sbs-", dir=self.workdir)
            db_args = ["--data-dir", self.data_dir]
            self.log_path = os.path.join(self.data_dir, "serve.log")
        elif self.engine == "pg":
            role = os.environ.get("USER") or __import__("getpass").getuser()
            try:
                if not self._psql(f"SELECT 1 FROM pg_roles WHERE rolname = '{role}'"):
                    self._psql(f"CREATE ROLE \"{role}\" LOGIN")
                    self.created_role = role          # dropped again at stop
                self._psql(f"DROP DATABASE IF EXISTS {self.pg_db}")
                self._psql(f"CREATE DATABASE {self.pg_db} OWNER \"{role}\" ENCODING 'UTF8' TEMPLATE template0")
            except (subprocess.CalledProcessError, FileNotFoundError) as e:
                bench.die(f"cannot create database {self.pg_db} in PostgreSQL 15/main (is it running? "
                          f"../redmine/setup.sh starts it): {e}")
            self.env["QINGDAN_DATABASE_URL"] = f"postgres://{role}@localhost/{self.pg_db}?host=/var/run/postgresql"
            self.log_path = os.path.join(tempfile.mkdtemp(prefix="qingdan-sbs-pg-", dir=self.workdir), "serve.log")
        else:
            bench.die(f"unknown engine {self.engine}")
        subprocess.run([self.binary, "user", "add", *db_args, "--username", ADMIN, "--name", "管理员",
                        "--role", "admin", "--org", "市政府办公室", "--password", PASSWORD],
                       env=self.env, check=True, stdout=subprocess.DEVNULL)
        self.port = free_port()
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([*self.pin, self.binary, "serve", "--listen", f"127.0.0.1:{self.port}", *db_args],
                                     env=self.env, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        log.close()
        for _ in range(300):
            if self.proc.poll() is not None:
                bench.die(f"{self.label} exited at start (rc {self.proc.returncode}); see {self.log_path}:\n"
                          + open(self.log_path, errors="replace").read()[-2000:])
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                c.request("GET", "/healthz")
                ok = c.getresponse().status == 200
                c.close()
                if ok and self.proc.poll() is None:  # answered, and by our process (it bound the port)
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        bench.die(f"{self.label} did not answer /healthz within 30 s; see {self.log_path}")

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if self.keep:
            print(f"kept {self.label}: {self.data_dir or self.pg_db} (log {self.log_path})", file=sys.stderr)
            return
        if self.engine == "sqlite" and self.data_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)
        if self.engine == "pg":
            try:
                self._psql(f"DROP DATABASE IF EXISTS {self.pg_db}")
                if self.created_role:
                    self._psql(f"DROP ROLE IF EXISTS \"{self.created_role}\"")
            except (subprocess.CalledProcessError, FileNotFoundError) as e:
                print(f"could not drop database {self.pg_db} / role {self.created_role}: {e}", file=sys.stderr)
            shutil.rmtree(os.path.dirname(self.log_path), ignore_errors=True)

    def info(self):
        return {"engine": self.engine, "base": self.base, "pid": self.proc.pid if self.proc else None,
                "binary": self.binary, "watch": self.watch,
                "database": self.data_dir if self.engine == "sqlite" else self.pg_db,
                "log_level": "shipped default (QINGDAN_LOG unset: warn,qingdan=info; no per-request lines)"}


# ------------------------------------------------------------------ client
class QClient(bench.Client):
    """bench.Client with a session cookie instead of Redmine's API key.
    `key` is the supervisor's cookie; a reporter's request passes its own
    with headers={"Cookie": ...}."""

    def auth_headers(self):
        return {"Cookie": self.key} if self.key else {}


def login(host, port, username, password):
    c = http.client.HTTPConnection(host, port, timeout=30)
    c.request("POST", "/api/v1/session", body=json.dumps({"username": username, "password": password}),
              headers={"Content-Type": "application/json", "Accept": "application/json"})
    r = c.getresponse()
    raw = r.read()
    c.close()
    if r.status != 200:
        bench.die(f"sign-in as {username} -> {r.status}: {raw[:200]!r}")
    for k, v in r.getheaders():
        if k.lower() == "set-cookie" and v.startswith("qingdan_session="):
            return v.split(";")[0], json.loads(raw)
    bench.die(f"sign-in as {username}: no session cookie")


# ------------------------------------------------------------------- bench
class QingdanBench(bench.Bench):
    """The bench.py phases against Qingdan.  Bench.__init__ is not called (it
    reads Redmine's API key); everything else Bench.measure needs is set here."""

    def __init__(self, a, base, watch, label="qingdan"):
        self.a, self.label = a, label
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port
        self.addrs = bench.ensure_loopback(self.host)
        self.key = None
        self.rng = random.Random(a.seed)
        self.topic_rng = random.Random(a.seed + 1)
        self.watch = list(watch)
        self.today = datetime.date.today()
        self.summary = {
            "target": {"base": base, "resolved": self.addrs, "server": label},
            "params": {k: v for k, v in vars(a).items() if k not in ("key",)},
            "phases": {},
        }

    def client(self):
        return QClient(self.host, self.port, self.key, self.a.keepalive, self.a.timeout)

    # ---- setup: orgs, accounts, plan (not timed)
    def prepare(self):
        a = self.a
        admin_cookie, me = login(self.host, self.port, ADMIN, PASSWORD)
        c = QClient(self.host, self.port, admin_cookie, False, a.timeout)
        orgs = {o["name"]: o for o in c.json("GET", "/api/v1/orgs")}
        users = {u["username"]: u for u in c.json("GET", "/api/v1/users")}

        def user(username, role, org_id):
            if username not in users:
                users[username] = c.json("POST", "/api/v1/users", {
                    "username": username, "display_name": username, "role": role,
                    "org_id": org_id, "password": PASSWORD})
            return users[username]

        sup = user("bench-sup", "supervisor", me["org_id"])
        # One department per bench.py assignee, with one reporter each: the
        # reporter is the task's owner (责任人) and the one who reports on it.
        self.orgs, self.reporters, self.cookie_of_org = [], [], {}
        for i in range(1, a.users + 1):
            name = f"bench-org-{i}"
            if name not in orgs:
                orgs[name] = c.json("POST", "/api/v1/orgs", {"name": name, "kind": "department"})
            org = orgs[name]["id"]
            rep = user(f"bench-rep-{i}", "reporter", org)
            self.orgs.append(org)
            self.reporters.append(rep["id"])
            self.cookie_of_org[org] = login(self.host, self.port, rep["username"], PASSWORD)[0]
        self.key = login(self.host, self.port, sup["username"], PASSWORD)[0]
        c.close()

        c = self.client()
        run_id = time.strftime("%Y%m%d-%H%M%S") + "-%04x" % random.getrandbits(16)
        self.run_id = run_id
        self.year = self.today.year
        self.plan = c.json("POST", "/api/v1/plans", {"title": f"bench {run_id}", "year": str(self.year)})["id"]
        c.close()
        self.summary["setup"] = {"run_id": run_id, "plan_id": self.plan, "org_ids": self.orgs,
                                 "reporter_ids": self.reporters, "supervisor": sup["username"],
                                 "deadline": f"{self.year + 1}-12-31", "today": self.today.isoformat()}

    def warmup(self):
        c = self.client()
        paths = ["/api/v1/me", f"/api/v1/plans/{self.plan}/tasks?per_page=25", "/api/v1/plans",
                 f"/api/v1/plans/{self.plan}"]
        for i in range(self.a.warmup):
            c.request("GET", paths[i % len(paths)])
        c.close()

    # ---- a. create the 3-level tree: task + assignment per issue
    def phase_create(self):
        a = self.a
        self.top_ids, self.mid_ids, self.leaf_ids = [], [], []
        self.children, self.target, self.tag, self.org_of = {}, {}, {}, {}
        levels = [("top", a.top, None), ("mid", a.mid, "top"), ("leaf", a.leaf, "mid")]
        per_level, total_wall, all_lats, errors, created = {}, 0.0, [], {}, 0
        sub_lats = {"create": [], "assign": []}
        deadline = f"{self.year + 1}-12-31"   # time share ~45% in December: lights spread

        def make_job(level, parent, idx):
            tv = round(self.rng.uniform(0, 1000), 2)          # the same sequence of draws as bench.py
            topic = self.topic_rng.choice(TOPICS)
            if parent is None:
                tag, title = str(idx), f"top {idx} {topic}"
            else:
                ptag = self.tag[parent]
                tag = f"{ptag}.{idx}"
                title = f"{level} {idx} of {ptag} {topic}"
            org = self.orgs[idx % len(self.orgs)]
            task = {"title": title, "deadline": deadline, "weight": "1",
                    "targets": [{"metric": "target value", "value": str(tv), "comparator": "ge"}]}
            if parent:
                task["parent_id"] = parent
            assignment = {"lead_org_id": org, "owner_id": self.reporters[idx % len(self.reporters)],
                          "supporting_org_ids": []}
            return (level, parent, task, assignment, tv, tag)

        def do(c, job):
            level, parent, task, assignment, tv, tag = job
            body = dict(task, responsibility=assignment)   # the task and who answers for it, one request
            st, raw, dt = c.request("POST", f"/api/v1/plans/{self.plan}/tasks", body)
            if st != 201:
                return False, dt, {"status": f"create {st}", "body": raw[:200].decode(errors="replace")}
            return True, dt, {"id": json.loads(raw)["id"], "create_s": dt, "assign_s": 0.0}

        for level, fan, parent_level in levels:
            if parent_level is None:
                jobs = [make_job(level, None, i) for i in range(fan)]
            else:
                parents = self.top_ids if parent_level == "top" else self.mid_ids
                jobs = [make_job(level, p, i) for p in parents for i in range(fan)]
            wall, res = bench.run_pool(f"create-{level}", jobs, a.create_concurrency, self.client, do,
                                       a.max_seconds)
            lats, errs = [], 0
            for (lv, parent, _t, assignment, tv, tag), ok, lat, info in res:
                if lat is not None:
                    lats.append(lat)
                if "create_s" in info:
                    sub_lats["create"].append(info["create_s"])
                    sub_lats["assign"].append(info["assign_s"])
                if "id" in info:   # the task exists (even if its assignment failed): it counts in roll-ups
                    iid = info["id"]
                    self.target[iid], self.tag[iid] = tv, tag
                    self.org_of[iid] = assignment["lead_org_id"] if ok else None
                    {"top": self.top_ids, "mid": self.mid_ids, "leaf": self.leaf_ids}[lv].append(iid)
                    if parent:
                        self.children.setdefault(parent, []).append(iid)
                if not ok:
                    errs += 1
                    k = str(info.get("status", info.get("error", "?")))
                    errors[k] = errors.get(k, 0) + 1
            ok_n = len(res) - errs
            created += ok_n
            total_wall += wall
            all_lats += lats
            per_level[level] = {"issues": ok_n, "errors": errs, "wall_s": round(wall, 3),
                                "issues_per_s": round(ok_n / wall, 1) if wall else None,
                                "latency": bench.lat_summary(lats)}
        return {"issues": created, "errors": errors, "wall_s": round(total_wall, 3),
                "issues_per_s": round(created / total_wall, 1) if total_wall else None,
                "http_requests": created + sum(errors.values()),
                "http_per_op": 1, "concurrency": a.create_concurrency, "latency": bench.lat_summary(all_lats),
                "latency_create_request": bench.lat_summary(sub_lats["create"]),
                "latency_assign_request": bench.lat_summary(sub_lats["assign"]),
                "levels": per_level}

    def _leaf_order(self):
        """bench.py's order of leaves: shuffled, or round-robin over top trees."""
        leaves = list(self.leaf_ids)
        self.rng.shuffle(leaves)
        if self.a.update_order == "spread":
            top_of = {leaf: top for top in self.top_ids for mid in self.children.get(top, [])
                      for leaf in self.children.get(mid, [])}
            groups = {}
            for leaf in leaves:
                groups.setdefault(top_of.get(leaf), []).append(leaf)
            lists = list(groups.values())
            leaves = [g[i] for i in range(max(map(len, lists))) for g in lists if i < len(g)]
        return leaves

    def _submit(self, c, iid, period, ratio, i):
        cookie = self.cookie_of_org.get(self.org_of.get(iid))
        if cookie is None:
            return 0, b"task has no lead org", 0.0
        body = {"period": period, "percent_done": ratio, "narrative": f"progress update {i}: {ratio}% done",
                "problems": "", "next_steps": "continue"}
        return c.request("POST", f"/api/v1/tasks/{iid}/reports", body, headers={"Cookie": cookie})

    # ---- b. progress updates: report + acceptance
    def phase_update(self):
        a = self.a
        leaves = self._leaf_order()
        n = a.updates if a.updates is not None else len(leaves)
        rounds = max(1, -(-n // len(leaves)))
        jobs = []
        for i in range(n):
            iid = leaves[i % len(leaves)]
            ratio = self.rng.choice(range(10, 101, 10))   # as bench.py (which leaf gets which: completion order)
            # Round k reports for the k-th of the `rounds` months before this one
            # (an accepted report cannot be replaced; the newest period counts).
            period = month_shift(self.today, (i // len(leaves)) - rounds)
            jobs.append((iid, ratio, period, i))
        self.done = {iid: 0 for iid in self.leaf_ids}
        self.pending_period = month_shift(self.today, 0)

        def do(c, job):
            iid, ratio, period, i = job
            st, raw, dt1 = self._submit(c, iid, period, ratio, i)
            if st != 201:
                return False, dt1, {"status": f"submit {st}", "body": raw[:200].decode(errors="replace")}
            rid = json.loads(raw)["id"]
            st, raw, dt2 = c.request("POST", f"/api/v1/reports/{rid}/review", {"decision": "accept"})
            info = {"submit_s": dt1, "accept_s": dt2, "attempts": 1}
            if st != 204:
                info.update(status=f"accept {st}", body=raw[:200].decode(errors="replace"))
                return False, dt1 + dt2, info
            return True, dt1 + dt2, info

        batch = max(1, getattr(a, "review_batch", 1))
        if batch > 1:
            return self._update_in_batches(jobs, batch)
        wall, res = bench.run_pool("update", jobs, a.concurrency, self.client, do, a.max_seconds)
        errors, samples, lats, subs = {}, [], [], {"submit": [], "accept": []}
        # The newest accepted period sets a task's progress (ties: the later job).
        for (iid, ratio, period, i), ok, lat, info in sorted(res, key=lambda r: (r[0][2], r[0][3])):
            if lat is not None:
                lats.append(lat)
            if "submit_s" in info:
                subs["submit"].append(info["submit_s"])
                subs["accept"].append(info["accept_s"])
            if ok:
                self.done[iid] = ratio
            else:
                k = str(info.get("status", info.get("error", "?")))
                errors[k] = errors.get(k, 0) + 1
                if len(samples) < 3:
                    samples.append(info.get("body", info.get("error")))
        ok_n = sum(1 for r in res if r[1])
        return {"requests": len(res), "ok": ok_n, "errors": errors, "error_samples": samples,
                "order": a.update_order, "http_requests_incl_retries": len(subs["submit"]) * 2,
                "http_per_op": 2, "conflict_retries": 0, "updates_needing_retry": 0,
                "concurrency": a.concurrency, "wall_s": round(wall, 3),
                "req_per_s": round(ok_n / wall, 1) if wall else None,
                "latency_incl_retries": bench.lat_summary(lats),
                "latency_submit_request": bench.lat_summary(subs["submit"]),
                "latency_accept_request": bench.lat_summary(subs["accept"]),
                "periods": sorted({j[2] for j in jobs})}

    def _update_in_batches(self, jobs, batch):
        """Phase b with the acceptances in bulk: each job is `batch` updates,
        each report submitted alone by its reporter, then one POST /reviews
        accepting them all. Per-op latency = the batch's time / its size."""
        a = self.a
        groups = [jobs[i:i + batch] for i in range(0, len(jobs), batch)]

        def do(c, group):
            t0, rids, info = time.perf_counter(), [], {"submits": 0}
            for iid, ratio, period, i in group:
                st, raw, _dt = self._submit(c, iid, period, ratio, i)
                if st != 201:
                    return False, time.perf_counter() - t0, {"status": f"submit {st}", "body": raw[:200].decode(errors="replace")}
                rids.append(json.loads(raw)["id"])
            st, raw, _dt = c.request("POST", "/api/v1/reviews",
                                     {"items": [{"report_id": r, "decision": "accept"} for r in rids]})
            if st != 200 or json.loads(raw)["refused"]:
                return False, time.perf_counter() - t0, {"status": f"bulk review {st}", "body": raw[:300].decode(errors="replace")}
            return True, time.perf_counter() - t0, info

        wall, res = bench.run_pool("update", groups, a.concurrency, self.client, do, a.max_seconds)
        errors, samples, lats, ok_n = {}, [], [], 0
        flat = []
        for group, ok, lat, info in res:
            if lat is not None:
                lats += [lat / len(group)] * len(group)
            for job in group:
                flat.append((job, ok))
            if ok:
                ok_n += len(group)
            else:
                k = str(info.get("status", info.get("error", "?")))
                errors[k] = errors.get(k, 0) + 1
                if len(samples) < 3:
                    samples.append(info.get("body", info.get("error")))
        for (iid, ratio, period, i), ok in sorted(flat, key=lambda r: (r[0][2], r[0][3])):
            if ok:
                self.done[iid] = ratio
        return {"requests": len(jobs), "ok": ok_n, "errors": errors, "error_samples": samples,
                "order": a.update_order, "review_batch": batch,
                "http_requests_incl_retries": len(jobs) + len(groups),
                "http_per_op": round(1 + 1 / batch, 3), "conflict_retries": 0, "updates_needing_retry": 0,
                "concurrency": a.concurrency, "wall_s": round(wall, 3),
                "req_per_s": round(ok_n / wall, 1) if wall else None,
                "latency_incl_retries": bench.lat_summary(lats),
                "periods": sorted({j[2] for j in jobs})}

    # ---- b2. report submission alone (this month; left waiting for review)
    def phase_submit(self):
        a = self.a
        leaves = list(self.leaf_ids)
        random.Random(a.seed + 2).shuffle(leaves)
        n = a.updates if a.updates is not None else len(leaves)
        r = random.Random(a.seed + 3)
        jobs = [(leaves[i % len(leaves)], r.choice(range(10, 101, 10)), i) for i in range(n)]

        def do(c, job):
            iid, ratio, i = job
            st, raw, dt = self._submit(c, iid, self.pending_period, ratio, i)
            if st != 201:
                return False, dt, {"status": st, "body": raw[:200].decode(errors="replace")}
            return True, dt, {}

        wall, res = bench.run_pool("submit", jobs, a.concurrency, self.client, do, a.max_seconds)
        errors, samples, lats = {}, [], []
        for _job, ok, lat, info in res:
            if lat is not None:
                lats.append(lat)
            if not ok:
                k = str(info.get("status", info.get("error", "?")))
                errors[k] = errors.get(k, 0) + 1
                if len(samples) < 3:
                    samples.append(info.get("body", info.get("error")))
        ok_n = sum(1 for x in res if x[1])
        return {"requests": len(res), "ok": ok_n, "errors": errors, "error_samples": samples,
                "http_per_op": 1, "concurrency": a.concurrency, "wall_s": round(wall, 3),
                "req_per_s": round(ok_n / wall, 1) if wall else None, "latency": bench.lat_summary(lats),
                "period": self.pending_period}

    # ---- c. list / filter with pagination
    def before_phase_list(self):
        """Keyset paging: the cursor (`after`) of each page's start, collected
        by walking the list before the phase is measured (compare.py calls
        this outside Bench.measure): the walk is one request per page, so
        inside the phase it would add 89 requests' CPU at 1x and 888 at 10x
        to the same 1000 timed ones."""
        base = f"/api/v1/plans/{self.plan}/tasks?"
        self.cursors, after, c = [""], "", self.client()
        while True:
            st, raw, _ = c.request("GET", base + f"per_page=25&after={after}")
            nxt = json.loads(raw).get("next_after") if st == 200 else None
            if nxt is None:
                break
            after = str(nxt)
            self.cursors.append(after)
        c.close()

    def phase_list(self):
        a = self.a
        base = f"/api/v1/plans/{self.plan}/tasks?"
        n_tasks = len(self.top_ids) + len(self.mid_ids) + len(self.leaf_ids)
        cursors = self.cursors

        # The same random draws as bench.py's kinds, in the same order.
        def k_page(r):     # bench.py: offset pages of 25 (sort=id); Qingdan: keyset pages of 25
            pages = max(1, (n_tasks + 24) // 25)
            return base + f"per_page=25&after={cursors[r.randrange(pages) % len(cursors)]}"

        def k_status(r):   # bench.py: status In Progress / Resolved / open
            st = r.choice(["in_progress", "done", "open"])
            return base + f"status={st}&per_page=25&page={r.randrange(4)}&count=false"

        def k_parent(r):   # bench.py: parent_id=<mid> (its 10 children)
            parent = r.choice(self.mid_ids or self.top_ids)
            return base + f"parent={parent}&per_page=100&count=false"

        def k_subtree(r):  # bench.py: parent_id=~<top> (all descendants), pages of 50
            top = r.choice(self.top_ids)
            return base + f"subtree={top}&per_page=50&page={r.randrange(2)}&count=false"

        def k_owner(r):    # bench.py: assigned_to_id, sorted updated_on:desc, pages of 50 (Qingdan: tree order)
            uid = r.choice(self.reporters)
            return base + f"owner={uid}&per_page=50&page={r.randrange(3)}&count=false"

        def k_target(r):   # bench.py: custom field 'target value' >= N
            lo = r.randrange(0, 900, 100)
            return base + f"target_min={lo}&per_page=25&count=false"

        kinds = [("page", k_page), ("status", k_status), ("parent", k_parent),
                 ("subtree", k_subtree), ("owner", k_owner), ("target_min", k_target)]
        jobs = [(kinds[i % len(kinds)][0], kinds[i % len(kinds)][1](self.rng)) for i in range(a.lists)]

        def do(c, job):
            kind, path = job
            st, raw, dt = c.request("GET", path)
            if st != 200:
                return False, dt, {"status": st}
            d = json.loads(raw)
            return True, dt, {"returned": len(d.get("items", [])), "total": d.get("total")}

        wall, res = bench.run_pool("list", jobs, a.concurrency, self.client, do, a.max_seconds)
        by_kind, errors, lats, returned = {}, {}, [], 0
        for (kind, path), ok, lat, info in res:
            if lat is not None:
                lats.append(lat)
            if not ok:
                k = str(info.get("status", info.get("error", "?")))
                errors[k] = errors.get(k, 0) + 1
                continue
            returned += info["returned"]
            bk = by_kind.setdefault(kind, {"lats": [], "returned": 0, "empty": 0})
            bk["lats"].append(lat)
            bk["returned"] += info["returned"]
            bk["empty"] += info["returned"] == 0
        ok_n = sum(1 for r in res if r[1])
        return {"requests": len(res), "ok": ok_n, "errors": errors, "concurrency": a.concurrency,
                "wall_s": round(wall, 3), "req_per_s": round(ok_n / wall, 1) if wall else None,
                "issues_returned": returned, "latency": bench.lat_summary(lats),
                "by_kind": {k: {"requests": len(v["lats"]), "avg_issues": round(v["returned"] / max(1, len(v["lats"])), 1),
                                "empty_pages": v["empty"], "latency": bench.lat_summary(v["lats"])}
                            for k, v in by_kind.items()},
                "sample_paths": [kinds[i][1](random.Random(i)) for i in range(len(kinds))]}

    # ---- d. roll-up reads; correctness of the rolled-up percent
    # expected_ratio is bench.Bench's: floor of the mean of the children, level
    # by level; Qingdan's rule (weighted_percent, floor) is the same with weight 1.
    def phase_rollup(self):
        a = self.a
        targets = [("top", i) for i in self.top_ids]
        if a.rollup_mids:
            targets += [("mid", i) for i in self.mid_ids]
        c = self.client()
        lats, lats_top, mismatches, checked, errors = [], [], [], 0, 0
        t_start = time.perf_counter()
        deadline = time.monotonic() + a.max_seconds
        for rnd in range(a.rollup_rounds):
            for level, iid in targets:
                if time.monotonic() > deadline:
                    break
                st, raw, dt = c.request("GET", f"/api/v1/tasks/{iid}")
                lats.append(dt)
                if level == "top":
                    lats_top.append(dt)
                if st != 200:
                    errors += 1
                    continue
                if rnd == 0:
                    got = json.loads(raw).get("percent_done")
                    exp = self.expected_ratio(iid)
                    checked += 1
                    if got != exp:
                        mismatches.append({"id": iid, "level": level, "got": got, "expected": exp})
        wall = time.perf_counter() - t_start
        # The plan's own roll-up: each section (top task) and the plan, in one request.
        st, raw, dt = c.request("GET", f"/api/v1/plans/{self.plan}/progress")
        plan_check = {"status": st, "latency_ms": round(dt * 1000, 2)}
        if st == 200:
            p = json.loads(raw)
            secs = {s["id"]: s["percent"] for s in p["sections"]}
            bad = [{"id": t, "got": secs.get(t), "expected": self.expected_ratio(t)}
                   for t in self.top_ids if secs.get(t) != self.expected_ratio(t)]
            exp_plan = sum(self.expected_ratio(t) for t in self.top_ids) // max(1, len(self.top_ids))
            plan_check.update(sections_checked=len(self.top_ids), section_mismatches=len(bad),
                              mismatch_samples=bad[:5], plan_percent=p["percent"], plan_expected=exp_plan)
        c.close()
        tops = [json.loads(self.client().request("GET", f"/api/v1/tasks/{i}")[1])["percent_done"]
                for i in self.top_ids[:5]]
        return {"requests": len(lats), "errors": errors, "concurrency": 1, "wall_s": round(wall, 3),
                "req_per_s": round(len(lats) / wall, 1) if wall else None,
                "latency_all": bench.lat_summary(lats), "latency_top_with_children": bench.lat_summary(lats_top),
                "top_read_includes_children": True,
                "checked": checked, "mismatches": len(mismatches), "mismatch_samples": mismatches[:5],
                "sample_top_done_ratio": tops, "plan_progress_check": plan_check}
