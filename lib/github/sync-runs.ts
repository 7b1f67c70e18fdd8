import "server-only";
import type { Db } from "../db/client";
import { findRepositorySummaries } from "../lineage/repositories";

export interface SyncRunRepo {
  repo: string;
  /** Per kind of object: new, updated, re-read unchanged. */
  written: Record<string, { new: number; updated: number; unchanged: number }>;
  /** Per resource: requests and rate-limit points spent. */
  resources: Record<string, { requests: number; points: number; items: number }>;
}

export interface SyncRunRow {
  id: number;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  /** When the process last said it was alive (a running or interrupted run). */
  heartbeatAt: string | null;
  repos: string[];
  endpoint: string;
  requests: number;
  points: number;
  items: number;
  errors: number;
  message: string | null;
  /** What the token could not read, per repository (one line each, for a person). */
  warnings: { repo: string; message: string }[];
  perRepo: SyncRunRepo[];
}

export interface SyncOverview {
  repositories: {
    repo: string;
    importedAt: string | null;
    lastSync: SyncRunRow | null;
    /** The last successful run that read it. */
    lastOk: SyncRunRow | null;
  }[];
  runs: SyncRunRow[];
  /** Runs of all time, by status. */
  counts: Record<string, number>;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);

/** `github_sync_run.details` as written by syncRepositories, read defensively (older runs differ). */
function parseDetails(details: unknown): Pick<SyncRunRow, "warnings" | "perRepo"> {
  if (!isObject(details)) return { warnings: [], perRepo: [] };
  const warnings = Array.isArray(details.warnings)
    ? details.warnings.flatMap((w) =>
        isObject(w) && typeof w.repo === "string" && typeof w.message === "string"
          ? [{ repo: w.repo, message: w.message }]
          : [],
      )
    : [];
  const perRepo = Array.isArray(details.repos)
    ? details.repos.flatMap((r): SyncRunRepo[] => {
        if (!isObject(r) || typeof r.repo !== "string") return [];
        const written: SyncRunRepo["written"] = {};
        if (isObject(r.written))
          for (const [kind, c] of Object.entries(r.written))
            if (isObject(c))
              written[kind] = { new: num(c.new), updated: num(c.updated), unchanged: num(c.unchanged) };
        const resources: SyncRunRepo["resources"] = {};
        if (isObject(r.resources))
          for (const [kind, c] of Object.entries(r.resources))
            if (isObject(c))
              resources[kind] = { requests: num(c.requests), points: num(c.points), items: num(c.items) };
        return [{ repo: r.repo, written, resources }];
      })
    : [];
  return { warnings, perRepo };
}

/** What the sync page shows: per repository its last import and sync, and the recent runs. */
export async function getSyncOverview(
  db: Pick<Db, "pool" | "getPrisma">,
  { limit = 50 }: { limit?: number } = {},
): Promise<SyncOverview> {
  const prisma = await db.getPrisma();
  const [rows, grouped, summaries] = await Promise.all([
    prisma.githubSyncRun.findMany({ orderBy: { id: "desc" }, take: limit }),
    prisma.githubSyncRun.groupBy({ by: ["status"], _count: { _all: true } }),
    findRepositorySummaries(db),
  ]);
  const runs = rows.map<SyncRunRow>((r) => ({
    id: r.id,
    status: r.status,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    heartbeatAt: r.heartbeatAt?.toISOString() ?? null,
    repos: r.repos,
    endpoint: r.endpoint,
    requests: r.requests,
    points: r.points,
    items: r.items,
    errors: r.errors,
    message: r.message,
    ...parseDetails(r.details),
  }));
  const reads = (run: SyncRunRow, repo: string) =>
    run.repos.some((x) => x.toLowerCase() === repo.toLowerCase());
  const names = [...new Set([...summaries.map((s) => s.repo), ...runs.flatMap((r) => r.repos)])].sort();
  return {
    repositories: names.map((repo) => ({
      repo,
      importedAt: summaries.find((s) => s.repo === repo)?.importedAt ?? null,
      lastSync: runs.find((r) => reads(r, repo)) ?? null,
      lastOk: runs.find((r) => reads(r, repo) && r.status === "ok") ?? null,
    })),
    runs,
    counts: Object.fromEntries(grouped.map((g) => [g.status, g._count._all])),
  };
}
