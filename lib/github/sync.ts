import type { TLineageConfig, TRepositoryConfig } from "../config/schema";
import type { Db } from "../db/client";
import { AppError, userMessage } from "../errors";
import { findStagedShas } from "../store/github-commits";
import {
  beatSyncRun,
  ensureRepository,
  finishSyncRun,
  SYNC_HEARTBEAT_MS,
  type SyncResource,
  startSyncRun,
} from "../store/github-sync-state";
import { type WriteCounts, withWriteTally } from "../store/write-tally";
import { DEFAULT_GRAPHQL_URL, GithubClient, type GraphqlClient } from "./client";
import type { SyncProgress } from "./progress";
import { syncCheckRuns, syncDeploymentReviews } from "./sync/ci";
import { fillMissingCommits, refreshStaleSuites, syncBranchHistory } from "./sync/commits";
import { forEachLimit, RepoSyncContext, type ResourceStats } from "./sync/context";
import { syncDeployments, syncGithubEnvironments } from "./sync/deployments";
import { type MaterializeSummary, materializeRepository } from "./sync/materialize";
import type { SyncWarning } from "./sync/permissions";
import { syncPullRequests } from "./sync/pull-requests";
import { syncReleases, syncTags } from "./sync/tags";

export interface SyncOptions {
  config: TLineageConfig;
  /** Repositories to sync ("owner/name", as configured); all configured ones when omitted. */
  repos?: readonly string[];
  /** A client to use; otherwise one is made from `url` and `token`. */
  client?: GraphqlClient;
  url?: string;
  token?: string;
  /** A ProgressSink works; the extra fields carry the repository, resource and points. */
  progress?: SyncProgress;
  /** Rate-limit waits and similar notices (stderr by default). */
  log?: (line: string) => void;
  /** Re-read every page instead of stopping at the high-water marks (writes are idempotent). */
  full?: boolean;
  /** Repositories synced at once; requests in flight are capped by the client. */
  concurrency?: number;
}

export interface RepoSyncSummary {
  repo: string;
  resources: Partial<Record<SyncResource, ResourceStats>>;
  /**
   * Per kind of object (pull_requests, deployments, tags, releases, commits, check_suites): how
   * many were new, changed, or re-read exactly as stored. `items` counts what was read.
   */
  written: Record<string, WriteCounts>;
  commits: MaterializeSummary;
  /** What the token may not read in this repository: one per permission, and that part was skipped. */
  warnings: SyncWarning[];
}

export interface SyncSummary {
  runId: number;
  /** Earlier runs whose process had ended without recording an outcome, marked 'interrupted' now. */
  interruptedRuns: number[];
  endpoint: string;
  repos: RepoSyncSummary[];
  requests: number;
  points: number;
  retries: number;
  failures: number;
  remaining: number | null;
  items: number;
  seconds: number;
  warnings: SyncWarning[];
}

/** The endpoint as it may be shown or stored: without credentials someone put in the URL. */
export function displayEndpoint(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString();
  } catch {
    return "(invalid URL)";
  }
}

function selectRepos(config: TLineageConfig, wanted: readonly string[] | undefined): TRepositoryConfig[] {
  if (config.repositories.length === 0) {
    throw new AppError("INVALID_CONFIG", "no repositories configured: add them to lineage.config.json");
  }
  if (!wanted || wanted.length === 0) return config.repositories;
  return wanted.map((name) => {
    const found = config.repositories.find((r) => r.repo.toLowerCase() === name.toLowerCase());
    if (!found) {
      throw new AppError(
        "NOT_FOUND",
        `unknown repository "${name}": not configured (configured: ${config.repositories.map((r) => r.repo).join(", ")})`,
      );
    }
    return found;
  });
}

/**
 * Reads the configured repositories from GitHub's GraphQL API into the database: everything
 * on the first run, then only what changed. Every page is written with its checkpoint in one
 * transaction, so a run killed at any point and run again ends with what an undisturbed run
 * writes. Environments fed by deployments get their promotion events at the end.
 */
export async function syncRepositories(db: Db, options: SyncOptions): Promise<SyncSummary> {
  const started = performance.now();
  const repos = selectRepos(options.config, options.repos);
  const client =
    options.client ??
    new GithubClient({
      token: options.token ?? "",
      url: options.url ?? DEFAULT_GRAPHQL_URL,
      log: options.log,
    });
  const endpoint = displayEndpoint(client.url);
  const progress = options.progress ?? (() => {});
  const log = options.log ?? ((line: string) => process.stderr.write(`lineage sync: ${line}\n`));
  const { id: runId, interrupted: interruptedRuns } = await startSyncRun(
    db.pool,
    repos.map((r) => r.repo),
    endpoint,
  );
  // A timer, not page writes, keeps the heartbeat: a run waiting an hour for a rate-limit
  // reset writes nothing and must still not look dead to a run started elsewhere.
  let beat: Promise<void> = Promise.resolve();
  const heartbeat = setInterval(() => {
    beat = beat.then(() => beatSyncRun(db.pool, runId)).catch(() => {});
  }, SYNC_HEARTBEAT_MS);
  heartbeat.unref();
  const summaries: RepoSyncSummary[] = [];
  const before = { ...client.stats };
  const totals = () => {
    const items = summaries.reduce(
      (n, s) =>
        n + Object.values(s.resources).reduce((m, r) => m + (r?.items ?? 0), 0) + s.commits.newCommits,
      0,
    );
    return {
      requests: client.stats.requests - before.requests,
      points: client.stats.points - before.points,
      retries: client.stats.retries - before.retries,
      failures: client.stats.failures - before.failures,
      items,
    };
  };
  /** Records the run's outcome; a failed run counts the error that ended it. */
  const finish = async (t: ReturnType<typeof totals>, failure: { error: unknown } | null) => {
    clearInterval(heartbeat);
    await beat;
    await finishSyncRun(db.pool, runId, {
      status: failure ? "failed" : "ok",
      requests: t.requests,
      points: t.points,
      items: t.items,
      errors: t.failures + (failure ? 1 : 0),
      message: failure ? userMessage(failure.error) : null,
      details: { repos: summaries, warnings: summaries.flatMap((s) => s.warnings) },
    });
  };
  try {
    await forEachLimit(repos, options.concurrency ?? 4, async (config) => {
      summaries.push(await syncRepository(db, client, config, runId, progress, options.full ?? false, log));
    });
  } catch (error) {
    await finish(totals(), { error }).catch(() => {});
    throw error;
  }
  summaries.sort(
    (a, b) => repos.findIndex((r) => r.repo === a.repo) - repos.findIndex((r) => r.repo === b.repo),
  );
  const t = totals();
  await finish(t, null);
  return {
    runId,
    interruptedRuns,
    endpoint,
    repos: summaries,
    ...t,
    remaining: client.stats.remaining,
    seconds: (performance.now() - started) / 1000,
    warnings: summaries.flatMap((s) => s.warnings),
  };
}

async function syncRepository(
  db: Db,
  client: GraphqlClient,
  config: TRepositoryConfig,
  runId: number,
  progress: SyncProgress,
  full: boolean,
  log: (line: string) => void,
): Promise<RepoSyncSummary> {
  const repoId = await ensureRepository(db.pool, config.repo);
  const ctx = new RepoSyncContext(db, client, config, repoId, runId, progress, log);
  const written: Record<string, WriteCounts> = {};
  return withWriteTally(written, async () => {
    // Order matters: deployments before commits, so a commit read in this run already carries
    // the deploy suites of every deployment this run saw; check runs before deployment reviews,
    // which are found through the runs that performed a deployment.
    await syncGithubEnvironments(ctx);
    await syncDeployments(ctx, full);
    await syncPullRequests(ctx, full);
    await syncTags(ctx, full);
    await syncReleases(ctx, full);
    const known = await findStagedShas(db.pool, repoId);
    await syncBranchHistory(ctx, known);
    await fillMissingCommits(ctx, known);
    await refreshStaleSuites(ctx);
    await syncCheckRuns(ctx);
    await syncDeploymentReviews(ctx);
    const commits = await materializeRepository(db, { repoId, config });
    return { repo: config.repo, resources: ctx.resources, written, commits, warnings: ctx.warnings };
  });
}
