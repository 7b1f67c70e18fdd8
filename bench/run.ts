// npm run bench — measures Lineage against baselines taken in the same run, on this machine.
// BENCH_REPO=<clone> benchmarks a real clone; without it a history is generated (cached
// under .bench/). BENCH_COMMITS / BENCH_TAGS size the generated history (default 80,000 /
// 1,000, the target size). The database is DATABASE_URL if set, else a scratch
// database on the local PostgreSQL server (TEST_DATABASE_URL's server), dropped afterwards.
// BENCH_RUNS (default 3) sets how many baseline + import rounds the import ratio takes the
// median of.
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type { TEnvironmentConfig } from "../lib/config/schema";
import { openDatabase } from "../lib/db/client";
import { applyMigrations } from "../lib/db/migrate";
import { createEmptyDatabase } from "../lib/db/testing/databases";
import { mulberry32 } from "../lib/git/testing/build-history";
import { diffRevisions } from "../lib/lineage/diff";
import { getCommitGraph } from "../lib/lineage/graph-cache";
import { getRepositoryOrThrow } from "../lib/lineage/repositories";
import { rangeDiff } from "../lib/lineage/walk";
import { findWhere } from "../lib/lineage/where";
import { runGithubSyncBench } from "./github-sync";
import { ensureHistory } from "./history";
import { summarise } from "./stats";
import { runWebBench } from "./web";

const ROOT = path.resolve(import.meta.dirname, "..");
const REPO = "bench/history";
const run = promisify(execFile);

function log(line: string) {
  process.stderr.write(`bench: ${line}\n`);
}

async function timeProcess(
  cmd: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<number> {
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, ...env },
    });
    child.stdout.on("data", () => {}); // read and discard, as a pager would
    child.once("error", reject);
    child.once("close", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}`))));
  });
  return (performance.now() - started) / 1000;
}

async function main() {
  const { dir, generated } = ensureHistory();
  const environments: TEnvironmentConfig[] = [
    { name: "dev", source: { branch: "main" } },
    { name: "test", source: { tags: "rc-*" } },
    { name: "prod", source: { tags: "v*" } },
  ];
  // Each round times git's baseline and then a full import into an empty database, back to
  // back, so both see the same machine; the figure is the median round. On a shared 2-core
  // machine either time alone drifts by ±20% between minutes.
  const rounds = process.env.DATABASE_URL ? 1 : Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
  const scratches: Awaited<ReturnType<typeof createEmptyDatabase>>[] = [];
  const freshUrl = async () => {
    if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
    const scratch = await createEmptyDatabase("lineage_bench");
    scratches.push(scratch);
    await applyMigrations({ connectionString: scratch.url });
    return scratch.url;
  };
  const results: Record<string, unknown> = {
    history: generated ?? dir,
    database: process.env.DATABASE_URL ? "DATABASE_URL" : "scratch database on the local server",
  };
  try {
    const commitCount = Number(
      (await run("git", ["-C", dir, "rev-list", "--count", "--branches", "--tags"])).stdout.trim(),
    );
    const tagCount = (await run("git", ["-C", dir, "tag", "--list"], { maxBuffer: 1 << 28 })).stdout
      .split("\n")
      .filter(Boolean).length;
    log(`${commitCount} commits, ${tagCount} tags`);

    const child = async (url: string) => {
      const { stdout } = await run(
        process.execPath,
        [
          "--import",
          "tsx",
          path.join(ROOT, "bench/import-child.ts"),
          dir,
          REPO,
          JSON.stringify(environments),
          url,
        ],
        {
          cwd: ROOT,
          maxBuffer: 1 << 24,
        },
      );
      return JSON.parse(stdout) as { seconds: number; maxRssMiB: number; upToDate: boolean; commits: number };
    };
    const measured: { gitLog: number; import: number; ratio: number; maxRssMiB: number }[] = [];
    let url = "";
    for (let r = 0; r < rounds; r++) {
      url = await freshUrl();
      // Baseline: git's own walk with changed paths, the floor for an import from a clone.
      // Fully buffered output (GIT_FLUSH=0), as the importer reads it: into a pipe git
      // otherwise flushes per commit, which makes git itself ~30% slower.
      const gitLog = await timeProcess("git", ["log", "--branches", "--tags", "--name-only"], dir, {
        GIT_FLUSH: "0",
      });
      const full = await child(url);
      measured.push({
        gitLog,
        import: full.seconds,
        ratio: full.seconds / gitLog,
        maxRssMiB: full.maxRssMiB,
      });
      log(
        `round ${r + 1}/${rounds}: git log --branches --tags --name-only ${gitLog.toFixed(2)} s, import ${full.seconds.toFixed(2)} s (${(full.seconds / gitLog).toFixed(2)}×), peak RSS ${full.maxRssMiB.toFixed(0)} MiB`,
      );
      if (r < rounds - 1) await scratches.pop()?.drop();
    }
    const median = [...measured].sort((a, b) => a.ratio - b.ratio)[Math.floor((measured.length - 1) / 2)]!;
    const gitLog = median.gitLog;
    const full = { seconds: median.import, maxRssMiB: Math.max(...measured.map((m) => m.maxRssMiB)) };
    const noop = await child(url);
    log(`no-op re-import: ${noop.seconds.toFixed(3)} s (up to date: ${noop.upToDate})`);

    const db = await openDatabase({ url, migrate: false });
    try {
      const repo = await getRepositoryOrThrow(db, REPO);
      const graph = await getCommitGraph(db, repo);
      const rng = mulberry32(1);
      const shas = Array.from({ length: 1000 }, () => graph.shas[Math.floor(rng() * graph.size)]!);
      for (const sha of shas.slice(0, 50)) await findWhere(db, { repo: REPO, revisions: [sha] }); // warm-up
      const whereMs: number[] = [];
      for (const sha of shas) {
        const t = performance.now();
        await findWhere(db, { repo: REPO, revisions: [sha] });
        whereMs.push(performance.now() - t);
      }

      // 5,000-commit ranges along main's first-parent chain.
      const mainTip = graph.indexOf((await run("git", ["-C", dir, "rev-parse", "main"])).stdout.trim())!;
      const chain = graph.firstParentChain(mainTip);
      const pairs: [string, string, number][] = [];
      for (let attempt = 0; pairs.length < 40 && attempt < 400; attempt++) {
        const end = Math.floor(chain.length / 2 + rng() * (chain.length / 2));
        let start = end;
        let size = 0;
        let step = 64;
        while (start > 0 && size < 5000) {
          start = Math.max(0, start - step);
          size = rangeDiff(graph, chain[start]!, chain[end]!).added.length;
          if (size > 6000) {
            start += step;
            step = Math.max(1, step >> 2);
            size = 0;
          }
        }
        if (size >= 4500 && size <= 6000)
          pairs.push([graph.shas[chain[start]!]!, graph.shas[chain[end]!]!, size]);
      }
      const diffMs: number[] = [];
      for (let k = 0; k < 100 && pairs.length; k++) {
        const [a, b] = pairs[k % pairs.length]!;
        const t = performance.now();
        await diffRevisions(db, { repo: REPO, from: a, to: b });
        diffMs.push(performance.now() - t);
      }

      // The CLI as a user runs it (the installed bin, compiled JavaScript when dist/cli is
      // current), each run beside git answering the same question on the clone.
      const bin = existsSync(path.join(ROOT, "node_modules/.bin/lineage"))
        ? path.join(ROOT, "node_modules/.bin/lineage")
        : path.join(ROOT, "bin/lineage.mjs");
      const cliEnv = { DATABASE_URL: url };
      // The CLI reads the config it is given: one naming the benchmarked repository.
      const configFile = path.join(ROOT, ".bench", "lineage.config.json");
      writeFileSync(configFile, JSON.stringify({ repositories: [{ repo: REPO, environments }] }, null, 2));
      const cliMs: number[] = [];
      const tagContainsMs: number[] = [];
      for (const sha of shas.slice(0, 10)) {
        cliMs.push(
          1000 *
            (await timeProcess(
              bin,
              ["where", sha, "--repo", REPO, "--config", configFile, "--json"],
              ROOT,
              cliEnv,
            )),
        );
        tagContainsMs.push(1000 * (await timeProcess("git", ["tag", "--contains", sha], dir)));
      }

      // A table must cost at most twice the JSON of the same diff: the largest range found above.
      const [bigFrom, bigTo, bigSize] = [...pairs].sort((x, y) => y[2] - x[2])[0] ?? [null, null, 0];
      const tableMs: number[] = [];
      const jsonMs: number[] = [];
      for (let k = 0; k < 3 && bigFrom && bigTo; k++) {
        const args = ["diff", bigFrom, bigTo, "--repo", REPO, "--config", configFile];
        tableMs.push(1000 * (await timeProcess(bin, args, ROOT, cliEnv)));
        jsonMs.push(1000 * (await timeProcess(bin, [...args, "--json"], ROOT, cliEnv)));
      }

      const where = summarise(whereMs);
      const diff = summarise(diffMs);
      const cli = summarise(cliMs);
      const tagContains = summarise(tagContainsMs);
      const table = summarise(tableMs);
      const json = summarise(jsonMs);
      const tableRatio = table.p50 / json.p50;
      const { rows } = await db.pool.query(
        `SELECT (SELECT sum(added_count + removed_count) FROM promotion_event)::int AS event_commits, (SELECT count(*) FROM env_reach)::int AS reach,
                (SELECT count(*) FROM promotion_event)::int AS events`,
      );
      Object.assign(results, {
        commits: commitCount,
        tags: tagCount,
        gitLogSeconds: gitLog,
        importSeconds: full.seconds,
        importRatio: full.seconds / gitLog,
        importRounds: measured,
        noopReimportSeconds: noop.seconds,
        peakRssMiB: full.maxRssMiB,
        whereMs: where,
        diff5000Ms: {
          ...diff,
          rangeSizes: pairs.length
            ? [Math.min(...pairs.map((p) => p[2])), Math.max(...pairs.map((p) => p[2]))]
            : [],
        },
        cliWhereMs: cli,
        gitTagContainsMs: tagContains,
        cliDiffTableVsJson: { commits: bigSize, tableMs: table, jsonMs: json, ratio: tableRatio },
        rows: rows[0],
      });
      const check = (ok: boolean) => (ok ? "ok  " : "MISS");
      const lines = [
        `history: ${results.history} — ${commitCount} commits, ${tagCount} tags`,
        `baseline  git log --branches --tags --name-only    ${gitLog.toFixed(2)} s  (median round of ${measured.length})`,
        `${check(full.seconds / gitLog <= 2.5)} import ÷ git log                 ${(full.seconds / gitLog).toFixed(2)}×   (${full.seconds.toFixed(2)} s; rounds ${measured.map((m) => m.ratio.toFixed(2)).join(", ")}; target ≤ 2.5×)`,
        `${check(noop.seconds <= 2)} no-op re-import                 ${noop.seconds.toFixed(3)} s  (target ≤ 2 s)`,
        `${check(where.p95 <= 10)} where, in-process              p50 ${where.p50.toFixed(2)} ms  p95 ${where.p95.toFixed(2)} ms  (n=${where.n}; target p95 ≤ 10 ms)`,
        `${check(diff.p95 <= 150)} diff of ~5,000 commits         p50 ${diff.p50.toFixed(1)} ms  p95 ${diff.p95.toFixed(1)} ms  (n=${diff.n}; target p95 ≤ 150 ms)`,
        `${check(cli.p50 <= 300)} CLI where, start to exit       p50 ${cli.p50.toFixed(0)} ms  p95 ${cli.p95.toFixed(0)} ms  (n=${cli.n}; ${path.relative(ROOT, bin)}; target p50 ≤ 300 ms)`,
        `baseline  git tag --contains, same SHAs    p50 ${tagContains.p50.toFixed(0)} ms  p95 ${tagContains.p95.toFixed(0)} ms  (CLI where ÷ git: ${(cli.p50 / tagContains.p50).toFixed(2)}×)`,
        `${check(tableRatio <= 2)} CLI diff table ÷ --json         ${tableRatio.toFixed(2)}×  (${bigSize} commits: p50 ${table.p50.toFixed(0)} ms ÷ ${json.p50.toFixed(0)} ms; target ≤ 2×)`,
        `${check(full.maxRssMiB <= 1024)} import peak RSS                 ${full.maxRssMiB.toFixed(0)} MiB  (target ≤ 1 GiB)`,
        `stored: ${rows[0].events} events, ${rows[0].event_commits} commits in added/removed sets, ${rows[0].reach} first-reach rows`,
      ];
      process.stdout.write(`\n${lines.join("\n")}\n`);
    } finally {
      await db.close();
    }
  } finally {
    for (const scratch of scratches) await scratch.drop();
  }
  mkdirSync(path.join(ROOT, ".bench"), { recursive: true });
  writeFileSync(path.join(ROOT, ".bench", "last.json"), `${JSON.stringify(results, null, 2)}\n`);
}

// BENCH_ONLY=import, github or web runs one part; web (the built app under load) runs only then.
const only = process.env.BENCH_ONLY;
if (!only || only === "import") await main();
if (!only || only === "github") await runGithubSyncBench();
if (only === "web") await runWebBench();
