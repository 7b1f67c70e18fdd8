// Web benchmark (BENCH_ONLY=web npm run bench): the production build (`next build`, then
// `next start` on a loopback port against a scratch database) answering every API endpoint and
// page under 10 concurrent clients (autocannon), with the benchmark's history imported: 80,000
// commits and about 1,000 events per environment by default (BENCH_COMMITS / BENCH_TAGS for a
// quicker run). Each route gets a bounded number of requests (BENCH_WEB_REQUESTS, default 300)
// and at most BENCH_WEB_SECONDS (default 30); latency is measured per response, p50/p95 printed
// beside the target. A route that answers 404 is "not built" (pages are being added in
// parallel), not a failure. BENCH_WEB_SKIP_BUILD=1 reuses an existing .next build;
// BENCH_WEB_ONLY=<regex> measures only the routes whose name matches (e.g. "trace" or "metrics").
// Besides latency, each
// route reports the server's CPU per request (Next.js process + database backends, from
// /proc): on this shared 2-core machine latency follows the load average, CPU much less.
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { loadavg } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import autocannon from "autocannon";
import type { TEnvironmentConfig } from "../lib/config/schema";
import { openDatabase } from "../lib/db/client";
import { applyMigrations } from "../lib/db/migrate";
import { createEmptyDatabase } from "../lib/db/testing/databases";
import { mulberry32 } from "../lib/git/testing/build-history";
import { ensureHistory } from "./history";
import { summarise } from "./stats";
import { findTraceCase, type TraceCase } from "./trace";

const ROOT = path.resolve(import.meta.dirname, "..");
const OWNER = "bench";
const NAME = "web";
const REPO = `${OWNER}/${NAME}`;
/** A branch whose first-parent chain is this long gives its environment as many events. */
const BRANCH_EVENTS = 1000;
const CONNECTIONS = 10;
const run = promisify(execFile);

function log(line: string) {
  process.stderr.write(`bench web: ${line}\n`);
}

interface Route {
  kind: "api" | "page";
  name: string;
  /** p95 target in ms. */
  target: number;
  /** Paths requested in turn (several, so one cached answer cannot stand for all). */
  paths: string[];
}

interface Fixture {
  shas: string[];
  /** Pairs of consecutive prod tags, for diff. */
  tagPairs: [string, string][];
  /** Pairs of prod tags at least 300 events apart, each with a page of the added list, for compare. */
  farPairs: { a: string; b: string; page: number }[];
  prodSeqs: number[];
  term: string;
  /** The year up to the latest prod event (ISO dates), for the metrics routes. */
  metricsPeriod: { from: string; to: string };
  /** A trace of ~5,000 candidates with a path filter (bench/trace.ts). */
  trace: TraceCase;
}

/**
 * Every endpoint and page the dashboard has or is getting. Pages answer 404 until they are
 * built; they are listed anyway so the bench measures them the day they land.
 */
function routes(f: Fixture): Route[] {
  const repo = `/repos/${OWNER}/${NAME}`;
  const api = `/api/v1${repo}`;
  const q = encodeURIComponent;
  const diffs = f.tagPairs.map(([a, b]) => `from=${q(a)}&to=${q(b)}`);
  const ranges = f.farPairs.map(({ a, b, page }) => `${q(a)}...${q(b)}?addedPage=${page}`);
  return [
    { kind: "api", name: "GET /api/v1/repos", target: 300, paths: ["/api/v1/repos"] },
    {
      kind: "api",
      name: "GET …/where?rev=SHA",
      target: 100,
      paths: f.shas.map((s) => `${api}/where?rev=${s}`),
    },
    {
      // A page of each list, as the compare page and a script paging through a diff ask.
      kind: "api",
      name: "GET …/diff?from=TAG&to=TAG&perPage=100",
      target: 300,
      paths: diffs.map((d) => `${api}/diff?${d}&perPage=100`),
    },
    { kind: "api", name: "GET …/envs/prod/events", target: 300, paths: [`${api}/envs/prod/events`] },
    { kind: "api", name: "GET …/envs/dev/events", target: 300, paths: [`${api}/envs/dev/events`] },
    { kind: "api", name: "GET …/commits/SHA", target: 300, paths: f.shas.map((s) => `${api}/commits/${s}`) },
    { kind: "page", name: "/", target: 300, paths: ["/"] },
    { kind: "page", name: "/repos/{o}/{n}", target: 300, paths: [repo] },
    { kind: "page", name: "/repos/{o}/{n}/envs/prod", target: 300, paths: [`${repo}/envs/prod`] },
    { kind: "page", name: "/repos/{o}/{n}/envs/dev", target: 300, paths: [`${repo}/envs/dev`] },
    {
      kind: "page",
      name: "/repos/{o}/{n}/envs/prod/events/{seq}",
      target: 300,
      paths: f.prodSeqs.map((s) => `${repo}/envs/prod/events/${s}`),
    },
    {
      // Tags 300+ events apart: thousands of commits on each side; pages 1-3 of the added list.
      kind: "page",
      name: "/repos/{o}/{n}/compare/{a}...{b}?addedPage=",
      target: 300,
      paths: ranges.map((r) => `${repo}/compare/${r}`),
    },
    {
      kind: "page",
      name: "/repos/{o}/{n}/commits/{sha}",
      target: 300,
      paths: f.shas.map((s) => `${repo}/commits/${s}`),
    },
    { kind: "page", name: `/search?q=${f.term} (text)`, target: 300, paths: [`/search?q=${q(f.term)}`] },
    {
      // A short SHA as git abbreviates it (7 hex digits): one commit, so the page redirects to it (307).
      kind: "page",
      name: "/search?q=SHA7 (prefix)",
      target: 300,
      paths: f.shas.map((s) => `/search?q=${s.slice(0, 7)}`),
    },
    {
      kind: "api",
      name: "GET …/metrics?env=prod (a year, by month)",
      target: 300,
      paths: [`${api}/metrics?env=prod&from=${f.metricsPeriod.from}&to=${f.metricsPeriod.to}&bucket=month`],
    },
    {
      kind: "api",
      name: "GET …/metrics?env=dev (a year, by week)",
      target: 300,
      paths: [`${api}/metrics?env=dev&from=${f.metricsPeriod.from}&to=${f.metricsPeriod.to}`],
    },
    {
      kind: "page",
      name: "/repos/{o}/{n}/metrics (prod, 12 weeks)",
      target: 300,
      paths: [`${repo}/metrics`],
    },
    {
      kind: "page",
      name: "/repos/{o}/{n}/metrics (prod, a year by month)",
      target: 300,
      paths: [`${repo}/metrics?env=prod&from=${f.metricsPeriod.from}&to=${f.metricsPeriod.to}&bucket=month`],
    },
    { kind: "page", name: "/metrics", target: 300, paths: ["/metrics"] },
    {
      kind: "api",
      // A page of each list, as for diff: the whole document of 5,000 candidates and as many
      // removed commits is 2.4 MB of JSON.
      name: `GET …/trace (${f.trace.candidates} candidates, path ${f.trace.path}) perPage=100`,
      target: 500,
      paths: [`${api}/trace?at=${q(f.trace.at)}&good=${q(f.trace.good)}&path=${q(f.trace.path)}&perPage=100`],
    },
    {
      kind: "page",
      name: `/repos/{o}/{n}/trace (${f.trace.candidates} candidates, path ${f.trace.path})`,
      target: 500,
      paths: [`${repo}/trace?at=${q(f.trace.at)}&good=${q(f.trace.good)}&path=${q(f.trace.path)}`],
    },
    { kind: "page", name: "/sync", target: 300, paths: ["/sync"] },
  ];
}

/** A bare copy of the history with one extra branch, so the import bench's clone stays as it is. */
async function webClone(history: string): Promise<string> {
  const dir = `${history}-web.git`;
  if (!existsSync(path.join(dir, "HEAD"))) {
    await run("git", ["clone", "--quiet", "--bare", "--local", history, dir]);
    const chain = (
      await run("git", ["-C", dir, "rev-list", "--first-parent", "--reverse", "main"], { maxBuffer: 1 << 28 })
    ).stdout
      .split("\n")
      .filter(Boolean);
    const at = chain[Math.min(BRANCH_EVENTS, chain.length) - 1]!;
    await run("git", ["-C", dir, "update-ref", "refs/heads/release-train", at]);
  }
  return dir;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function nextBin(): string {
  return path.join(ROOT, "node_modules", "next", "dist", "bin", "next");
}

async function waitForServer(base: string, child: ReturnType<typeof spawn>): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${base}/api/v1/repos`);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("next start did not answer within 120 s");
}

interface Measured {
  status: "ok" | "not built" | "error";
  p50: number;
  p95: number;
  n: number;
  errors: number;
  note?: string;
  /** Server CPU per request (ms): the Next.js process and its children plus the database's backends. */
  cpuMs?: number;
}

/** Clock ticks (utime + stime) of a process, 0 when it is gone or /proc is not there. */
function procTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start at ") ".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").split(" ").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * CPU the server spent (ms, from /proc; Linux only): the Next.js process tree and the
 * PostgreSQL backends connected to the bench database. Divided by the requests it is the
 * service demand of a route, which unlike latency does not grow with other work on the machine
 * (only a little, from shared caches).
 */
async function serverCpuMs(serverPid: number, dbPids: () => Promise<number[]>): Promise<Map<number, number>> {
  const ticks = new Map<number, number>();
  const walk = (pid: number) => {
    ticks.set(pid, procTicks(pid));
    for (const c of childPids(pid)) walk(c);
  };
  walk(serverPid);
  for (const pid of await dbPids()) ticks.set(pid, procTicks(pid));
  return ticks;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

async function measure(
  base: string,
  route: Route,
  amount: number,
  seconds: number,
  cpu?: () => Promise<Map<number, number>>,
): Promise<Measured> {
  // One request first: a 404 means the page is not there yet; it also warms the route.
  const first = await fetch(`${base}${route.paths[0]}`);
  await first.arrayBuffer();
  if (first.status === 404) return { status: "not built", p50: 0, p95: 0, n: 0, errors: 0 };
  if (!first.ok) return { status: "error", p50: 0, p95: 0, n: 0, errors: 1, note: `HTTP ${first.status}` };
  for (const p of route.paths.slice(1, 10)) await (await fetch(`${base}${p}`)).arrayBuffer();

  const before = await cpu?.();
  const times: number[] = [];
  let errors = 0;
  let next = 0;
  let done!: (err?: Error) => void;
  const finished = new Promise<void>((resolve, reject) => {
    done = (err) => (err ? reject(err) : resolve());
  });
  const instance = autocannon(
    {
      url: base,
      connections: CONNECTIONS,
      amount,
      duration: seconds,
      timeout: 30,
      requests: [{ setupRequest: (req) => ({ ...req, path: route.paths[next++ % route.paths.length]! }) }],
    },
    (err) => done(err ?? undefined),
  );
  instance.on("response", (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 400) errors++;
    times.push(responseTime);
  });
  // autocannon stops at `amount` requests; this bounds the time as well.
  const stop = setTimeout(() => instance.stop(), seconds * 1000 + 5000);
  await finished;
  clearTimeout(stop);
  const after = await cpu?.();
  let cpuMs: number | undefined;
  if (before && after && times.length) {
    let ticks = 0;
    for (const [pid, t] of after) ticks += t - (before.get(pid) ?? 0);
    cpuMs = (ticks * TICK_MS) / times.length;
  }
  const s = summarise(times);
  return {
    cpuMs,
    status: errors ? "error" : "ok",
    ...s,
    errors,
    note: errors ? `${errors} responses ≥ 400` : undefined,
  };
}

export async function runWebBench(): Promise<void> {
  const { dir: history, generated } = ensureHistory();
  const clone = await webClone(history);
  const environments: TEnvironmentConfig[] = [
    { name: "dev", source: { branch: "release-train" } },
    { name: "test", source: { tags: "rc-*" } },
    // Every tag, not just v*: the generated history's 1,000 tags make about 1,000 events here
    // (v* alone is under half of them), the size the targets are set for.
    { name: "prod", source: { tags: "*" } },
  ];
  const scratch = process.env.DATABASE_URL ? null : await createEmptyDatabase("lineage_bench_web");
  const url = process.env.DATABASE_URL ?? scratch!.url;
  let server: ReturnType<typeof spawn> | undefined;
  try {
    await applyMigrations({ connectionString: url });
    log(`importing ${generated ?? history} as ${REPO}`);
    await run(
      process.execPath,
      [
        "--import",
        "tsx",
        path.join(ROOT, "bench/import-child.ts"),
        clone,
        REPO,
        JSON.stringify(environments),
        url,
      ],
      {
        cwd: ROOT,
        maxBuffer: 1 << 24,
      },
    );

    const db = await openDatabase({ url, migrate: false });
    // Planner statistics, as autovacuum gathers them on a server minutes after a large write.
    // (This machine's PostgreSQL runs with autovacuum off; never analysed, the 80,000-commit
    // tables are planned from default estimates, e.g. a hash join over every commit for a
    // query that needs three.)
    await db.pool.query("ANALYZE");
    let fixture: Fixture;
    let envCounts: { name: string; events: number }[];
    try {
      envCounts = (
        await db.pool.query(
          `SELECT e.name, count(p.*)::int AS events FROM environment e LEFT JOIN promotion_event p ON p.env_id = e.id
            GROUP BY e.name, e.position ORDER BY e.position`,
        )
      ).rows;
      const rng = mulberry32(7);
      const { rows: shaRows } = await db.pool.query(
        "SELECT sha FROM commit c JOIN repository r ON r.id = c.repo_id WHERE r.full_name = $1 ORDER BY c.idx",
        [REPO],
      );
      const shas = Array.from(
        { length: 100 },
        () => shaRows[Math.floor(rng() * shaRows.length)]!.sha as string,
      );
      const { rows: prod } = await db.pool.query(
        `SELECT p.seq, p.ref FROM promotion_event p JOIN environment e ON e.id = p.env_id
          WHERE e.name = 'prod' AND p.counted ORDER BY p.seq`,
      );
      const tagPairs: [string, string][] = [];
      for (let k = 0; k < 50 && prod.length > 1; k++) {
        const i = 1 + Math.floor(rng() * (prod.length - 1));
        tagPairs.push([prod[i - 1].ref, prod[i].ref]);
      }
      const prodSeqs = Array.from({ length: 50 }, () => prod[Math.floor(rng() * prod.length)]?.seq as number);
      const { rows: latest } = await db.pool.query<{ at: Date }>(
        `SELECT max(p.at) AS at FROM promotion_event p JOIN environment e ON e.id = p.env_id WHERE e.name = 'prod'`,
      );
      const last = latest[0]?.at ?? new Date();
      const metricsPeriod = {
        from: new Date(last.getTime() - 364 * 86_400_000).toISOString().slice(0, 10),
        to: new Date(last.getTime() + 86_400_000).toISOString().slice(0, 10),
      };

      // After the draws above, so the other routes' fixtures stay as in earlier runs.
      const farPairs: Fixture["farPairs"] = [];
      for (let k = 0; k < 20 && prod.length > 300; k++) {
        const i = Math.floor(rng() * (prod.length - 300));
        const j = i + 300 + Math.floor(rng() * (prod.length - 300 - i));
        farPairs.push({ a: prod[i].ref, b: prod[j].ref, page: 1 + Math.floor(rng() * 3) });
      }

      const trace = await findTraceCase(db, REPO);
      log(`trace case: ${JSON.stringify(trace)}`);
      fixture = { shas, tagPairs, farPairs, prodSeqs, term: "fix", metricsPeriod, trace };
    } finally {
      await db.close();
    }
    log(`events per environment: ${envCounts.map((e) => `${e.name} ${e.events}`).join(", ")}`);

    if (process.env.BENCH_WEB_SKIP_BUILD === "1" && existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
      log("reusing the existing .next build");
    } else {
      log("next build");
      const started = performance.now();
      await run(process.execPath, [nextBin(), "build"], { cwd: ROOT, maxBuffer: 1 << 26 });
      log(`next build took ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    server = spawn(
      process.execPath,
      [nextBin(), "start", "--hostname", "127.0.0.1", "--port", String(port)],
      {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: url, NODE_ENV: "production" },
        stdio: ["ignore", "ignore", "inherit"],
      },
    );
    await waitForServer(base, server);
    log(`next start ready on ${base}`);

    const amount = Number(process.env.BENCH_WEB_REQUESTS ?? 300);
    const seconds = Number(process.env.BENCH_WEB_SECONDS ?? 30);
    const results: Record<string, Measured & { target: number; kind: string }> = {};
    const lines = [
      `web: ${generated ?? history}; events per environment ${envCounts.map((e) => `${e.name} ${e.events}`).join(", ")}; ${CONNECTIONS} concurrent clients, ≤ ${amount} requests or ${seconds} s per route`,
    ];
    const dbName = new URL(url).pathname.slice(1);
    const stats = await openDatabase({ url, migrate: false });
    const dbPids = async () =>
      (
        await stats.pool.query<{ pid: number }>(
          "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
          [dbName],
        )
      ).rows.map((r) => r.pid);
    const cpu = existsSync("/proc/self/stat") ? () => serverCpuMs(server!.pid!, dbPids) : undefined;
    // BENCH_WEB_ONLY (or BENCH_WEB_ROUTES) = <regex> measures only the routes whose name matches.
    const pattern = process.env.BENCH_WEB_ONLY || process.env.BENCH_WEB_ROUTES;
    const only = pattern ? new RegExp(pattern) : null;
    for (const route of routes(fixture)) {
      if (only && !only.test(route.name)) continue;
      const m = await measure(base, route, amount, seconds, cpu);
      results[route.name] = { ...m, target: route.target, kind: route.kind };
      const label = `${route.kind === "api" ? "API " : "page"} ${route.name}`.padEnd(46);
      const line =
        m.status === "not built"
          ? `n/a  ${label} not built (404)`
          : m.status === "error" && m.n === 0
            ? `MISS ${label} ${m.note}`
            : `${m.status === "ok" && m.p95 <= route.target ? "ok  " : "MISS"} ${label} p50 ${m.p50.toFixed(0)} ms  p95 ${m.p95.toFixed(0)} ms  (n=${m.n}${m.note ? `; ${m.note}` : ""}; target p95 ≤ ${route.target} ms; server CPU ${m.cpuMs?.toFixed(1) ?? "?"} ms/request; load ${loadavg()[0]!.toFixed(1)})`;
      log(line);
      lines.push(line);
    }
    await stats.close();
    process.stdout.write(`\n${lines.join("\n")}\n`);
    const file = path.join(ROOT, ".bench", "last.json");
    mkdirSync(path.dirname(file), { recursive: true });
    const previous = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
    writeFileSync(
      file,
      `${JSON.stringify({ ...previous, web: { history: generated ?? history, envCounts, results } }, null, 2)}\n`,
    );
  } finally {
    if (server && server.exitCode === null) {
      server.kill("SIGTERM");
      await new Promise((r) => server!.once("exit", r));
    }
    await scratch?.drop();
  }
}
