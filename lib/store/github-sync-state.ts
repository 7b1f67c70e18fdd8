import os from "node:os";
import type { Queryable } from "./sql";

export type SyncResource =
  | "environments"
  | "deployments"
  | "pull_requests"
  | "tags"
  | "releases"
  | "commits"
  | "commit_objects"
  | "check_suites"
  | "check_runs"
  | "deployment_reviews";

export interface SyncState<S = Record<string, unknown>> {
  highWaterMark: Date | null;
  cursor: string | null;
  state: S | null;
}

export async function getSyncState<S>(
  client: Queryable,
  repoId: number,
  resource: SyncResource,
): Promise<SyncState<S>> {
  const { rows } = await client.query<{
    high_water_mark: Date | null;
    cursor: string | null;
    state: S | null;
  }>("SELECT high_water_mark, cursor, state FROM github_sync_state WHERE repo_id = $1 AND resource = $2", [
    repoId,
    resource,
  ]);
  const row = rows[0];
  return {
    highWaterMark: row?.high_water_mark ?? null,
    cursor: row?.cursor ?? null,
    state: row?.state ?? null,
  };
}

/** Written in the transaction of the page it follows: the page and its checkpoint land together. */
export async function putSyncState(
  client: Queryable,
  repoId: number,
  resource: SyncResource,
  value: { highWaterMark: Date | string | null; cursor: string | null; state: unknown },
): Promise<void> {
  await client.query(
    `INSERT INTO github_sync_state (repo_id, resource, high_water_mark, cursor, state, updated_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, now())
     ON CONFLICT (repo_id, resource) DO UPDATE SET high_water_mark = EXCLUDED.high_water_mark,
       cursor = EXCLUDED.cursor, state = EXCLUDED.state, updated_at = now()`,
    [
      repoId,
      resource,
      value.highWaterMark,
      value.cursor,
      value.state === null || value.state === undefined ? null : JSON.stringify(value.state),
    ],
  );
}

/** Adds SHAs GitHub has no commit for, so no later run asks for them again. */
export async function addUnresolvableCommits(
  client: Queryable,
  repoId: number,
  shas: readonly string[],
): Promise<void> {
  if (shas.length === 0) return;
  await client.query(
    `INSERT INTO github_sync_state (repo_id, resource, state, updated_at)
     VALUES ($1, 'commit_objects', jsonb_build_object('unresolvable', '[]'::jsonb), now())
     ON CONFLICT (repo_id, resource) DO NOTHING`,
    [repoId],
  );
  await client.query(
    `UPDATE github_sync_state SET updated_at = now(), state = jsonb_build_object('unresolvable',
       (SELECT coalesce(jsonb_agg(DISTINCT x ORDER BY x), '[]'::jsonb)
        FROM jsonb_array_elements_text(coalesce(state->'unresolvable', '[]'::jsonb) || to_jsonb($2::text[])) AS x))
     WHERE repo_id = $1 AND resource = 'commit_objects'`,
    [repoId, shas],
  );
}

export async function getUnresolvableCommits(client: Queryable, repoId: number): Promise<Set<string>> {
  const { state } = await getSyncState<{ unresolvable?: string[] }>(client, repoId, "commit_objects");
  return new Set(state?.unresolvable ?? []);
}

/** How often a running sync says it is alive, and how long without a word makes it dead. */
export const SYNC_HEARTBEAT_MS = 30_000;
export const SYNC_STALE_MS = 5 * 60_000;

/**
 * Opens a run, first marking 'interrupted' the 'running' rows whose process is gone: killed
 * (kill -9, power loss, OOM) before it could write its outcome. A row is gone when
 * - it was started on this host and its pid no longer exists (process.kill(pid, 0) says ESRCH):
 *   exact and immediate, but only for this host's pids; or
 * - its heartbeat (written every SYNC_HEARTBEAT_MS by a timer, so waits for a rate-limit reset
 *   keep it fresh) is older than SYNC_STALE_MS: the rule for other hosts, for a pid reused by
 *   another process, and for rows from before the heartbeat existed (their start time).
 * A live run is never marked: its host check finds its pid and its heartbeat is fresh. Should a
 * stalled one still finish, finishSyncRun writes its real outcome over 'interrupted'.
 */
export async function startSyncRun(
  client: Queryable,
  repos: readonly string[],
  endpoint: string,
  process_: { pid: number; hostname: string; isAlive: (pid: number) => boolean } = thisProcess(),
): Promise<{ id: number; interrupted: number[] }> {
  const { rows: running } = await client.query<{ id: number; pid: number | null; hostname: string | null }>(
    "SELECT id, pid, hostname FROM github_sync_run WHERE status = 'running'",
  );
  const dead = running
    .filter((r) => r.hostname === process_.hostname && r.pid !== null && !process_.isAlive(r.pid))
    .map((r) => r.id);
  const { rows: interrupted } = await client.query<{ id: number }>(
    `UPDATE github_sync_run SET status = 'interrupted', finished_at = coalesce(heartbeat_at, started_at),
       message = 'the process running this sync ended without recording an outcome (killed?)'
     WHERE status = 'running'
       AND (id = ANY($1::int[]) OR coalesce(heartbeat_at, started_at) < now() - make_interval(secs => $2))
     RETURNING id`,
    [dead, SYNC_STALE_MS / 1000],
  );
  const { rows } = await client.query<{ id: number }>(
    `INSERT INTO github_sync_run (status, repos, endpoint, pid, hostname, heartbeat_at)
     VALUES ('running', $1::text[], $2, $3, $4, now()) RETURNING id`,
    [repos, endpoint, process_.pid, process_.hostname],
  );
  return { id: rows[0]!.id, interrupted: interrupted.map((r) => r.id).sort((a, b) => a - b) };
}

function thisProcess() {
  return {
    pid: process.pid,
    hostname: os.hostname(),
    isAlive: (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch (err) {
        // EPERM: the pid exists but belongs to someone else, so it is alive.
        return (err as NodeJS.ErrnoException).code !== "ESRCH";
      }
    },
  };
}

/** Says the run is still alive; see startSyncRun. */
export async function beatSyncRun(client: Queryable, id: number): Promise<void> {
  await client.query("UPDATE github_sync_run SET heartbeat_at = now() WHERE id = $1 AND status = 'running'", [
    id,
  ]);
}

export async function finishSyncRun(
  client: Queryable,
  id: number,
  result: {
    status: "ok" | "failed";
    requests: number;
    points: number;
    items: number;
    errors: number;
    message: string | null;
    details: unknown;
  },
): Promise<void> {
  await client.query(
    `UPDATE github_sync_run SET finished_at = now(), heartbeat_at = now(), status = $2, requests = $3,
       points = $4, items = $5, errors = $6, message = $7, details = $8::jsonb WHERE id = $1`,
    [
      id,
      result.status,
      result.requests,
      result.points,
      result.items,
      result.errors,
      result.message,
      JSON.stringify(result.details),
    ],
  );
}

export async function ensureRepository(client: Queryable, fullName: string): Promise<number> {
  const { rows } = await client.query<{ id: number }>(
    `INSERT INTO repository (full_name) VALUES ($1)
     ON CONFLICT (full_name) DO UPDATE SET full_name = EXCLUDED.full_name RETURNING id`,
    [fullName],
  );
  return rows[0]!.id;
}
