import { Command, CommanderError, Option } from "commander";
import pkg from "../../package.json" with { type: "json" };
import { getRepositoryConfigOrThrow, loadConfig } from "../config/load-config";
import { assertMigrated } from "../db/apply-migrations";
import { type Db, openDatabase } from "../db/client";
import { getEnv } from "../env";
import { AppError, toAppError, userMessage } from "../errors";
import { assertEnvironmentsMatchConfig } from "../lineage/config-drift";
import { diffRevisions } from "../lineage/diff";
import { bucketDate, formatDuration, formatRate } from "../lineage/duration";
import { findEnvironmentEvents } from "../lineage/events-query";
import { computeEnvironmentMetrics, MAX_FIX_WINDOW_MINUTES, parseMetricsTime } from "../lineage/metrics";
import { findRepositoryOverviews } from "../lineage/overview";
import { findRepositorySummaries, getRepositoryOrThrow } from "../lineage/repositories";
import { getStatus, type RepositoryStatus } from "../lineage/status";
import { parseTraceTime, traceIncident } from "../lineage/trace";
import { findWhere } from "../lineage/where";
import { streamProgress } from "../progress";
import { formatAge, formatTime, printJson, printTable, shortSha } from "./output";

// The queries' modules load up front; migrate, import-git and sync load theirs when run
// (octokit and the importer cost a `where` about 0.3 s of start-up otherwise).

const configOption = () => new Option("--config <file>", "config file (default: ./lineage.config.json)");
const jsonOption = () => new Option("--json", "print exactly one JSON document on stdout");
const repoOption = () =>
  new Option("--repo <owner/name>", "repository (may be left out when the config lists exactly one)");
const utcOption = () =>
  new Option("--utc", "show times in UTC (default: the local time zone; --json is always UTC)");
const positiveInt = (flag: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0)
    throw new AppError("INVALID_ARGUMENT", `${flag} must be a positive whole number, not "${v}"`);
  return n;
};

const timeArg = (flag: string) => (v: string) => {
  const at = parseMetricsTime(v);
  if (!at)
    throw new AppError(
      "INVALID_ARGUMENT",
      `${flag} must be an ISO 8601 date or date-time (2025-01-31, 2025-01-31T14:10:00Z), not "${v}"`,
    );
  return at;
};
const wholeNumber = (flag: string, max: number) => (v: string) => {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > max)
    throw new AppError("INVALID_ARGUMENT", `${flag} must be a whole number from 0 to ${max}, not "${v}"`);
  return n;
};

/**
 * Every command reads the config it is given: a broken or missing file is reported, and a
 * query answers only for a configured repository whose stored environments match it.
 */
function checkConfig(file: string | undefined) {
  return loadConfig(file);
}

/** The repository a query is about: --repo, else the config's only one. */
function repoOf(config: ReturnType<typeof loadConfig>, opts: { repo?: string }): string {
  if (opts.repo) return opts.repo;
  if (config.repositories.length === 1) return config.repositories[0]!.repo;
  const listed = config.repositories.map((r) => r.repo).join(", ");
  throw new AppError(
    "INVALID_ARGUMENT",
    config.repositories.length === 0
      ? `--repo is required: ${config.file} lists no repository to default to`
      : `--repo is required: ${config.file} lists ${config.repositories.length} repositories (${listed})`,
  );
}

/** The query's repository must be configured, with its environments computed as configured. */
async function checkRepository(db: Db, config: ReturnType<typeof loadConfig>, repo: string): Promise<void> {
  getRepositoryConfigOrThrow(config, repo);
  await assertEnvironmentsMatchConfig(db, { repo, config });
}

/**
 * Writers migrate first (under the migration lock: concurrent first runs serialize). Readers
 * never change the schema on a server database: they check it in one query and say "not
 * migrated" (exit 3) rather than fail on a missing table or read a half-built schema. The
 * embedded database migrates whenever it is opened, so a newcomer never has to.
 */
async function withDb<T>(kind: "read" | "write", fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDatabase(kind === "write" ? { migrate: true } : {});
  try {
    if (kind === "read") await assertMigrated(db.pool);
    return await fn(db);
  } finally {
    await db.close();
  }
}

export function buildProgram(): Command {
  const program = new Command("lineage")
    .description("Lineage: what runs where, what changed, and when a commit reached each environment.")
    .version(pkg.version, "-V, --version", "print the version")
    .configureOutput({
      outputError: (str, write) =>
        write(`${str.split("\n")[0]!.replace(/^error: /, "lineage: ")} (see --help)\n`),
    })
    .exitOverride();

  program
    .command("migrate")
    .description("apply prisma/migrations/ to the configured database (DATABASE_URL, else the embedded one)")
    .option(
      "--repair",
      "finish a migration that an older Lineage left half-applied, skipping the statements that already ran",
    )
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (opts: { json?: boolean; config?: string; repair?: boolean }) => {
      loadConfig(opts.config, { optional: true });
      const db = await openDatabase({ migrate: false });
      try {
        const { migrateDatabase } = await import("../db/migrate");
        const applied = await migrateDatabase(db.url, { repair: opts.repair });
        if (opts.json) printJson({ database: db.mode, applied });
        else console.error(applied.length ? `applied ${applied.join(", ")}` : "database is up to date");
      } finally {
        await db.close();
      }
    });

  program
    .command("import-git")
    .description(
      "import a local clone's commits, tags and changed paths, then compute its environments' events",
    )
    .requiredOption("--path <clone>", "path of a local clone (bare clones and mirrors too)")
    .addOption(repoOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (opts: { path: string; repo?: string; config?: string; json?: boolean }) => {
      const config = loadConfig(opts.config);
      const repoConfig = getRepositoryConfigOrThrow(config, repoOf(config, opts));
      const { importGit } = await import("../git/import-git");
      const progress = streamProgress(process.stderr, "import-git");
      const started = Date.now();
      const summary = await withDb("write", (db) =>
        importGit(db, { clonePath: opts.path, repoConfig, progress }),
      );
      progress.end();
      const seconds = (Date.now() - started) / 1000;
      if (opts.json) printJson({ ...summary, seconds });
      else if (summary.upToDate)
        console.error(`${summary.repo}: up to date (${summary.totalCommits} commits)`);
      else {
        console.error(
          `${summary.repo}: ${summary.newCommits} new commits (${summary.totalCommits} in all), ${summary.tags} tags, ${seconds.toFixed(1)} s`,
        );
        printTable(
          ["environment", "events", "unchanged", "written"],
          summary.environments.map((e) => [e.name, e.events, e.unchanged, e.written]),
        );
      }
      if (summary.renumbered && !opts.json)
        console.error("the clone was deepened since the last import: its history was numbered again");
      for (const ref of summary.skippedRefs) console.error(`skipped ${ref}: it does not point at a commit`);
      for (const warning of summary.warnings) console.error(`warning: ${warning}`);
    });

  program
    .command("where")
    .description(
      "per environment: when each commit first arrived (tag, branch commit or deployment) and whether it is still there",
    )
    .argument(
      "<sha-or-ref...>",
      "full or unique short SHAs, tag or branch names, HEAD, environment names (what they run now), optionally with ~N, ^N (main~3)",
    )
    .addOption(repoOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .addOption(utcOption())
    .action(
      async (
        revisions: string[],
        opts: { repo?: string; config?: string; json?: boolean; utc?: boolean },
      ) => {
        const config = checkConfig(opts.config);
        const repo = repoOf(config, opts);
        const results = await withDb("read", async (db) => {
          await checkRepository(db, config, repo);
          return findWhere(db, { repo, revisions });
        });
        if (opts.json) return printJson(results);
        for (const r of results) {
          console.log(r.sha);
          printTable(
            ["environment", "first reached", "via", { head: "ref", shrink: true }, "at", "current"],
            r.environments.map((e) => [
              e.name,
              e.first ? "yes" : "no",
              e.first?.source ?? null,
              e.first?.ref ?? null,
              formatTime(e.first?.at, !!opts.utc),
              e.current ? "yes" : "no",
            ]),
            `${repo} has no environments`,
          );
        }
      },
    );

  program
    .command("diff")
    .description("commits added and removed going from <a> to <b> (git rev-list a..b and b..a)")
    .argument("<a>", "SHA, tag, branch (optionally with ~N, ^N) or environment name (its current state)")
    .argument("<b>", "SHA, tag, branch (optionally with ~N, ^N) or environment name (its current state)")
    .addOption(repoOption())
    .option(
      "--limit <n>",
      "only the newest n of each list (the totals still count all)",
      positiveInt("--limit"),
    )
    .addOption(configOption())
    .addOption(jsonOption())
    .addOption(utcOption())
    .action(
      async (
        a: string,
        b: string,
        opts: { repo?: string; limit?: number; config?: string; json?: boolean; utc?: boolean },
      ) => {
        const config = checkConfig(opts.config);
        const repo = repoOf(config, opts);
        const result = await withDb("read", async (db) => {
          await checkRepository(db, config, repo);
          return diffRevisions(db, { repo, from: a, to: b, limit: opts.limit });
        });
        if (opts.json) return printJson(result);
        const shown = (list: unknown[], total: number) =>
          list.length < total ? ` (newest ${list.length} shown)` : "";
        console.log(
          `from ${result.from}\nto   ${result.to}\n${result.addedCount} added${shown(result.added, result.addedCount)}, ${result.removedCount} removed${shown(result.removed, result.removedCount)}` +
            (result.supersededCount !== null
              ? result.removedCount
                ? ` (${result.supersededCount} superseded by an equal change, ${result.droppedCount} dropped)`
                : ""
              : result.removedCount
                ? " (superseded or dropped: unknown)"
                : ""),
        );
        // "=": removed, but an added commit makes the same change (cherry-picked, rebased).
        const superseded = new Set(result.superseded?.map((c) => c.sha));
        const rows = [
          ...result.added.map((c) => [
            "+",
            shortSha(c.sha),
            formatTime(c.committedAt, !!opts.utc),
            c.author,
            c.headline,
          ]),
          ...result.removed.map((c) => [
            superseded.has(c.sha) ? "=" : "-",
            shortSha(c.sha),
            formatTime(c.committedAt, !!opts.utc),
            c.author,
            c.headline,
          ]),
        ];
        if (rows.length)
          printTable(
            ["", "sha", "committed", { head: "author", shrink: true }, { head: "headline", shrink: true }],
            rows,
          );
      },
    );

  program
    .command("events")
    .description("an environment's promotion events (its release history), oldest first")
    .addOption(repoOption())
    .requiredOption("--env <name>", "environment name")
    .option("--limit <n>", "only the latest n events", positiveInt("--limit"))
    .addOption(configOption())
    .addOption(jsonOption())
    .addOption(utcOption())
    .action(
      async (opts: {
        repo?: string;
        env: string;
        limit?: number;
        config?: string;
        json?: boolean;
        utc?: boolean;
      }) => {
        const config = checkConfig(opts.config);
        const repo = repoOf(config, opts);
        const events = await withDb("read", async (db) => {
          await checkRepository(db, config, repo);
          return findEnvironmentEvents(db, { repo, environment: opts.env, limit: opts.limit });
        });
        if (opts.json) return printJson(events);
        printTable(
          [
            { head: "#", right: true },
            "at",
            { head: "ref", shrink: true },
            "sha",
            { head: "actor", shrink: true },
            { head: "added", right: true },
            { head: "removed", right: true },
            { head: "superseded", right: true },
            "kind",
          ],
          events.map((e) => [
            e.seq,
            formatTime(e.at, !!opts.utc),
            e.ref,
            shortSha(e.sha),
            e.actor,
            e.added,
            e.removed,
            e.removed === 0 ? 0 : (e.superseded ?? "unknown"),
            !e.counted
              ? `not counted (${e.status ?? "failed"})`
              : e.baseline
                ? "baseline"
                : e.pureRollback
                  ? "ROLLBACK (older release)"
                  : e.rollback
                    ? "ROLLBACK"
                    : "",
          ]),
          `no events in ${opts.env} yet`,
        );
      },
    );

  program
    .command("trace")
    .description(
      "which commit introduced a behaviour first seen at --at: the event live then (the suspect), the events since the last good one, and the candidate commits (git rev-list good..suspect [-- PATH…])",
    )
    .addOption(repoOption())
    .option("--env <name>", "environment (default: the last in promotion order)")
    .requiredOption(
      "--at <time>",
      "when the behaviour was first seen: ISO 8601 with an offset (2026-11-28T14:10+01:00) or a date",
    )
    .option("--good <time|env@seq|rev>", "the last known good state (default: the event before the suspect)")
    .option(
      "--path <pathspec>",
      "only commits whose own change touches it, as in git log -- PATH (file, directory or glob; repeatable)",
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option("--grep <text>", "rank commits whose message or PR title contains it (any case) first")
    .addOption(configOption())
    .addOption(jsonOption())
    .addOption(utcOption())
    .action(
      async (opts: {
        repo?: string;
        env?: string;
        at: string;
        good?: string;
        path?: string[];
        grep?: string;
        config?: string;
        json?: boolean;
        utc?: boolean;
      }) => {
        const at = parseTraceTime(opts.at);
        if (!at)
          throw new AppError(
            "INVALID_ARGUMENT",
            `--at must be an ISO 8601 date-time with an offset or a date (2026-11-28T14:10:00+01:00, 2026-11-28), not "${opts.at}"`,
          );
        const config = checkConfig(opts.config);
        const repo = repoOf(config, opts);
        const result = await withDb("read", async (db) => {
          await checkRepository(db, config, repo);
          return traceIncident(db, {
            repo,
            environment: opts.env,
            at,
            good: opts.good,
            paths: opts.path,
            grep: opts.grep,
          });
        });
        if (opts.json) return printJson(result);
        const utc = !!opts.utc;
        const ev = (e: typeof result.suspect) =>
          `#${e.seq} ${e.ref} ${shortSha(e.sha)} at ${formatTime(e.at, utc)}`;
        console.log(
          `suspect  ${result.environment} ${ev(result.suspect)} (live at ${formatTime(result.at, utc)})`,
        );
        console.log(`good     ${result.goodEnvironment} ${ev(result.good)}`);
        const counted = result.events.filter((e) => e.counted).length;
        console.log(
          `${result.events.length} events between (${counted} counted); ${result.candidateCount} candidate commits${
            result.paths.length ? ` touching ${result.paths.join(", ")}` : ""
          }${result.grep === null ? "" : `, ${result.grepCount} matching "${result.grep}" (listed first)`}${
            result.rollback
              ? `; ROLLBACK in the range: ${result.removedCount} commits removed (listed apart)`
              : ""
          }`,
        );
        printTable(
          [
            "sha",
            "committed",
            { head: "author", shrink: true },
            "pr",
            "ci",
            "grep",
            { head: "headline", shrink: true },
          ],
          result.candidates.map((c) => [
            shortSha(c.sha),
            formatTime(c.committedAt, utc),
            c.author,
            c.pr ? `#${c.pr.number}` : "",
            c.ci ?? "",
            c.matches.grep ? "yes" : "",
            c.headline,
          ]),
          "no candidate commits",
        );
        if (result.removed.length) {
          console.log("\nremoved by a rollback in the range:");
          printTable(
            ["sha", "committed", { head: "author", shrink: true }, { head: "headline", shrink: true }],
            result.removed.map((c) => [
              shortSha(c.sha),
              formatTime(c.committedAt, utc),
              c.author,
              c.headline,
            ]),
          );
        }
      },
    );

  program
    .command("metrics")
    .description(
      "delivery metrics of an environment per week or month: deployments, lead time, change failure rate, recovery time",
    )
    .addOption(repoOption())
    .option("--env <name>", "environment (default: the last in promotion order)")
    .option(
      "--from <time>",
      "start of the period, inclusive: a date or ISO 8601 time (default: 90 days before --to)",
      timeArg("--from"),
    )
    .option("--to <time>", "end of the period, exclusive (default: now)", timeArg("--to"))
    .addOption(new Option("--bucket <unit>", "bucket size").choices(["week", "month"]).default("week"))
    .option(
      "--tz <zone>",
      "IANA time zone the weeks and months are calendar weeks and months of (default: UTC)",
    )
    .option(
      "--fix-window <minutes>",
      "a deployment followed by the next within this many minutes counts as fixed forward (default: 60; 0: never)",
      wholeNumber("--fix-window", MAX_FIX_WINDOW_MINUTES),
    )
    .addOption(configOption())
    .addOption(jsonOption())
    .action(
      async (opts: {
        repo?: string;
        env?: string;
        from?: Date;
        to?: Date;
        bucket: "week" | "month";
        tz?: string;
        fixWindow?: number;
        config?: string;
        json?: boolean;
      }) => {
        const config = checkConfig(opts.config);
        const repo = repoOf(config, opts);
        const metrics = await withDb("read", async (db) => {
          await checkRepository(db, config, repo);
          return computeEnvironmentMetrics(db, {
            repo,
            environment: opts.env,
            from: opts.from,
            to: opts.to,
            bucket: opts.bucket,
            timeZone: opts.tz,
            fixWindowMinutes: opts.fixWindow,
          });
        });
        if (opts.json) return printJson(metrics);
        console.log(
          `${metrics.repo} ${metrics.environment}: ${metrics.from} to ${metrics.to}, per ${metrics.bucket} (${metrics.timeZone}), fix-forward window ${metrics.fixWindowMinutes} min`,
        );
        const row = (label: string, b: (typeof metrics)["total"]) => [
          label,
          b.deployments.count,
          b.leadTime.commits,
          formatDuration(b.leadTime.medianSeconds),
          formatDuration(b.leadTime.p90Seconds),
          `${b.changeFailure.failures}/${b.changeFailure.attempts}`,
          formatRate(b.changeFailure.rate),
          formatDuration(b.recovery.medianSeconds),
          b.recovery.unrecovered.length || null,
        ];
        printTable(
          [
            metrics.bucket,
            { head: "deploys", right: true },
            { head: "commits", right: true },
            { head: "lead p50", right: true },
            { head: "lead p90", right: true },
            { head: "failed", right: true },
            { head: "fail rate", right: true },
            { head: "recovery p50", right: true },
            { head: "unrecovered", right: true },
          ],
          [
            ...metrics.buckets.map((b) => row(bucketDate(b.start, metrics.timeZone), b)),
            row("total", metrics.total),
          ],
        );
      },
    );

  program
    .command("status")
    .description(
      "per repository and environment: what runs now (since when, by whom, rolled back?) and what waits in the environment before it",
    )
    .option(
      "--repo <owner/name>",
      "only this repository (default: the config's only one, else every imported one)",
    )
    .addOption(configOption())
    .addOption(jsonOption())
    .addOption(utcOption())
    .action(async (opts: { repo?: string; config?: string; json?: boolean; utc?: boolean }) => {
      const config = loadConfig(opts.config);
      const only = opts.repo ?? (config.repositories.length === 1 ? config.repositories[0]!.repo : undefined);
      const statuses = await withDb("read", async (db) => {
        const ids = only
          ? [(await getRepositoryOrThrow(db, only)).id]
          : (await findRepositoryOverviews(db)).map((r) => r.id);
        const out: RepositoryStatus[] = [];
        for (const repoId of ids) out.push(await getStatus(db, { repoId }));
        return out;
      });
      if (opts.json) return printJson(statuses);
      if (statuses.length === 0)
        return void console.log("no repositories imported yet (run lineage import-git or sync)");
      const now = Date.now();
      statuses.forEach((repo, k) => {
        console.log(`${k ? "\n" : ""}${repo.fullName}`);
        printTable(
          [
            "environment",
            { head: "runs", shrink: true },
            "sha",
            "since",
            { head: "by", shrink: true },
            "state",
            { head: "waiting", right: true },
            "oldest waiting",
          ],
          repo.environments.map((e) => [
            e.name,
            e.current?.ref ?? "(no events yet)",
            shortSha(e.current?.sha),
            formatTime(e.current?.at, !!opts.utc),
            e.current?.actor ?? null,
            e.current?.pureRollback ? "ROLLBACK (older release)" : e.current?.rollback ? "ROLLBACK" : null,
            e.waiting ? `${e.waiting.count} from ${e.previous}` : null,
            e.waiting?.oldest ? formatAge(e.waiting.oldest.committedAt, now) : null,
          ]),
          "no environments configured",
        );
      });
    });

  program
    .command("repos")
    .description(
      "the imported repositories: their environments in promotion order, and when each was last imported and synced",
    )
    .addOption(configOption())
    .addOption(jsonOption())
    .addOption(utcOption())
    .action(async (opts: { config?: string; json?: boolean; utc?: boolean }) => {
      loadConfig(opts.config);
      // The same document as GET /api/v1/repos.
      const repos = await withDb("read", (db) => findRepositorySummaries(db));
      if (opts.json) return printJson(repos);
      printTable(
        [
          "repository",
          { head: "environments", shrink: true },
          { head: "commits", right: true },
          "last import",
          "last sync",
        ],
        repos.map((r) => [
          r.repo,
          r.environments.map((e) => e.name).join(" → "),
          r.commits,
          formatTime(r.importedAt, !!opts.utc) || "never",
          formatTime(r.syncedAt, !!opts.utc) || "never",
        ]),
        "no repositories imported yet (run lineage import-git or sync)",
      );
    });

  program
    .command("sync")
    .description(
      "read the configured repositories from GitHub's GraphQL API (GITHUB_TOKEN, GITHUB_GRAPHQL_URL): everything once, then only what changed",
    )
    .option(
      "--repo <owner/name>",
      "only this repository (repeat for several)",
      (v, all: string[]) => [...all, v],
      [],
    )
    .option("--full", "re-read every page instead of stopping at the last sync's high-water marks")
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (opts: { repo: string[]; full?: boolean; config?: string; json?: boolean }) => {
      const config = loadConfig(opts.config);
      const env = getEnv();
      const { syncProgressPrinter } = await import("../github/progress");
      const { syncRepositories } = await import("../github/sync");
      const progress = syncProgressPrinter(process.stderr);
      const summary = await withDb("write", (db) =>
        syncRepositories(db, {
          config,
          repos: opts.repo,
          token: env.GITHUB_TOKEN ?? "",
          url: env.GITHUB_GRAPHQL_URL,
          progress,
          full: opts.full,
        }),
      );
      progress.end();
      for (const id of summary.interruptedRuns)
        console.error(`sync run ${id} had been interrupted (its process ended without finishing): marked so`);
      if (opts.json) return printJson(summary);
      // New, changed and re-read apart: a sync with nothing new re-reads a page or two and changes nothing.
      const kinds = [
        ["commits", "commits", ["commits", "commit_objects"]],
        ["pull_requests", "PRs", ["pull_requests"]],
        ["deployments", "deployments", ["deployments"]],
        ["check_suites", "check suites", ["check_suites", "check_runs"]],
        ["tags", "tags", ["tags"]],
        ["releases", "releases", ["releases"]],
      ] as const;
      printTable(
        ["repository", "resource", "new", "updated", "re-read", "requests", "points"],
        summary.repos.flatMap((r) =>
          kinds.map(([kind, label, resources]) => [
            r.repo,
            label,
            r.written[kind]?.new ?? 0,
            r.written[kind]?.updated ?? 0,
            r.written[kind]?.unchanged ?? 0,
            resources.reduce((n, k) => n + (r.resources[k]?.requests ?? 0), 0),
            resources.reduce((n, k) => n + (r.resources[k]?.points ?? 0), 0),
          ]),
        ),
      );
      console.error(
        `${summary.requests} requests, ${summary.points} points used, ${summary.remaining ?? "?"} remaining, ${summary.seconds.toFixed(1)} s`,
      );
    });

  program
    .command("recompute")
    .description(
      "apply the config's environments to stored history (tags, branches, deployments) without reading the clone or GitHub",
    )
    .option(
      "--repo <owner/name>",
      "only this repository (repeat for several)",
      (v, all: string[]) => [...all, v],
      [] as string[],
    )
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (opts: { repo: string[]; config?: string; json?: boolean }) => {
      const config = checkConfig(opts.config);
      const repos = opts.repo.length
        ? opts.repo.map((r) => getRepositoryConfigOrThrow(config, r))
        : config.repositories;
      const { recomputeRepository } = await import("../git/stored-refs");
      const results = await withDb("write", async (db) => {
        const out = [];
        for (const repoConfig of repos)
          out.push({ repo: repoConfig.repo, ...(await recomputeRepository(db, repoConfig)) });
        return out;
      });
      if (opts.json) return printJson(results);
      printTable(
        ["repository", "environment", "events", "unchanged", "written"],
        results.flatMap((r) => r.environments.map((e) => [r.repo, e.name, e.events, e.unchanged, e.written])),
      );
    });

  program
    .command("simulator")
    .description(
      "serve a GitHub GraphQL simulator: --seed N --size small|medium|large --port P [--write-config F] [--faults RATE]",
    )
    .helpOption(false)
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .argument("[options...]")
    .action(async (args: string[]) => {
      // Loaded on demand: the simulator (and GitHub's schema) is no part of the other commands.
      const { runSimulatorCli } = await import("../github/simulator/index");
      try {
        await runSimulatorCli(args);
      } catch (err) {
        const message = (err as Error).message;
        if (args.includes("--help") || args.includes("-h")) return void console.log(message);
        throw new AppError("INVALID_ARGUMENT", message.split("\n")[0]!);
      }
    });

  return program;
}

/** Runs the CLI; returns the exit code. Errors become one line on stderr, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  // Ctrl-C: writers work in transactions (a sync, page by page), so one line says what is kept.
  if (argv[0] !== "simulator") {
    process.once("SIGINT", () => {
      process.stderr.write(
        argv[0] === "sync"
          ? "lineage: interrupted; pages read so far are kept and the next sync resumes from them\n"
          : "lineage: interrupted; nothing written\n",
      );
      process.exit(130);
    });
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.exitCode === 0)
        return 0;
      return 2;
    }
    const appError = toAppError(err);
    process.stderr.write(`lineage: ${userMessage(appError)}\n`);
    if (process.env.LINEAGE_DEBUG) console.error(err);
    return appError.exitCode;
  }
}
