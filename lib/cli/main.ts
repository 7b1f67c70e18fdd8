import { Command, CommanderError, Option } from "commander";
import { getRepositoryConfigOrThrow, loadConfig } from "../config/load-config";
import { assertMigrated } from "../db/apply-migrations";
import { type Db, openDatabase } from "../db/client";
import { getEnv } from "../env";
import { AppError, toAppError, userMessage } from "../errors";
import { assertEnvironmentsMatchConfig } from "../lineage/config-drift";
import { diffRevisions } from "../lineage/diff";
import { findEnvironmentEvents } from "../lineage/events-query";
import { findWhere } from "../lineage/where";
import { streamProgress } from "../progress";
import { printJson, printTable, shortSha } from "./output";

// The queries' modules load up front; migrate, import-git and sync load theirs when run
// (octokit and the importer cost a `where` about 0.3 s of start-up otherwise).

const configOption = () => new Option("--config <file>", "config file (default: ./lineage.config.json)");
const jsonOption = () => new Option("--json", "print exactly one JSON document on stdout");
const repoOption = () => new Option("--repo <owner/name>", "repository").makeOptionMandatory();

/**
 * Every command reads the config it is given: a broken or missing file is reported, and a
 * query answers only for a configured repository whose stored environments match it.
 */
function checkConfig(file: string | undefined) {
  return loadConfig(file);
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
    .action(async (opts: { path: string; repo: string; config?: string; json?: boolean }) => {
      const repoConfig = getRepositoryConfigOrThrow(loadConfig(opts.config), opts.repo);
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
      "full or unique short SHAs, tag or branch names, optionally with ~N, ^N (main~3)",
    )
    .addOption(repoOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (revisions: string[], opts: { repo: string; config?: string; json?: boolean }) => {
      const config = checkConfig(opts.config);
      const results = await withDb("read", async (db) => {
        await checkRepository(db, config, opts.repo);
        return findWhere(db, { repo: opts.repo, revisions });
      });
      if (opts.json) return printJson(results);
      for (const r of results) {
        console.log(r.sha);
        printTable(
          ["environment", "first reached", "via", "ref", "at", "current"],
          r.environments.map((e) => [
            e.name,
            e.first ? "yes" : "no",
            e.first?.source ?? null,
            e.first?.ref ?? null,
            e.first?.at ?? null,
            e.current ? "yes" : "no",
          ]),
        );
      }
    });

  program
    .command("diff")
    .description("commits added and removed going from <a> to <b> (git rev-list a..b and b..a)")
    .argument("<a>", "SHA, tag, branch (optionally with ~N, ^N) or environment name (its current state)")
    .argument("<b>", "SHA, tag, branch (optionally with ~N, ^N) or environment name (its current state)")
    .addOption(repoOption())
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (a: string, b: string, opts: { repo: string; config?: string; json?: boolean }) => {
      const config = checkConfig(opts.config);
      const result = await withDb("read", async (db) => {
        await checkRepository(db, config, opts.repo);
        return diffRevisions(db, { repo: opts.repo, from: a, to: b });
      });
      if (opts.json) return printJson(result);
      console.log(
        `from ${result.from}\nto   ${result.to}\n${result.added.length} added, ${result.removed.length} removed`,
      );
      const rows = [
        ...result.added.map((c) => ["+", shortSha(c.sha), c.committedAt, c.author, c.headline]),
        ...result.removed.map((c) => ["-", shortSha(c.sha), c.committedAt, c.author, c.headline]),
      ];
      if (rows.length) printTable(["", "sha", "committed", "author", "headline"], rows);
    });

  program
    .command("events")
    .description("an environment's promotion events (its release history), oldest first")
    .addOption(repoOption())
    .requiredOption("--env <name>", "environment name")
    .option("--limit <n>", "only the latest n events", (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0)
        throw new AppError("INVALID_ARGUMENT", `--limit must be a positive whole number, not "${v}"`);
      return n;
    })
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (opts: { repo: string; env: string; limit?: number; config?: string; json?: boolean }) => {
      const config = checkConfig(opts.config);
      const events = await withDb("read", async (db) => {
        await checkRepository(db, config, opts.repo);
        return findEnvironmentEvents(db, { repo: opts.repo, environment: opts.env, limit: opts.limit });
      });
      if (opts.json) return printJson(events);
      printTable(
        ["#", "at", "ref", "sha", "actor", "added", "removed", "kind"],
        events.map((e) => [
          e.seq,
          e.at,
          e.ref,
          shortSha(e.sha),
          e.actor,
          e.added,
          e.removed,
          !e.counted
            ? `not counted (${e.status ?? "failed"})`
            : e.baseline
              ? "baseline"
              : e.rollback
                ? "ROLLBACK"
                : "",
        ]),
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
