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

export async function startSyncRun(
  client: Queryable,
  repos: readonly string[],
  endpoint: string,
): Promise<number> {
  const { rows } = await client.query<{ id: number }>(
    "INSERT INTO github_sync_run (status, repos, endpoint) VALUES ('running', $1::text[], $2) RETURNING id",
    [repos, endpoint],
  );
  return rows[0]!.id;
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
    `UPDATE github_sync_run SET finished_at = now(), status = $2, requests = $3, points = $4, items = $5,
       errors = $6, message = $7, details = $8::jsonb WHERE id = $1`,
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
