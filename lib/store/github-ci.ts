import { arrayLiteral, inChunks, type Queryable } from "./sql";

export interface GithubCheckRunRow {
  databaseId: number;
  checkSuiteId: number;
  name: string;
  status: string;
  conclusion: string | null;
  startedAt: string | null;
  completedAt: string | null;
  detailsUrl: string | null;
  deploymentDatabaseId: number | null;
}

export interface GithubDeploymentReviewRow {
  workflowRunId: number;
  position: number;
  databaseId: number | null;
  state: string;
  comment: string;
  userLogin: string | null;
  environments: string[];
}

export interface SuiteToRead {
  nodeId: string;
  databaseId: number;
}

/**
 * Suites whose check runs are unread or were read for an older state of the suite, and suites
 * still running (for a few days; an app's suite that never runs stays QUEUED for ever).
 */
export async function findSuitesNeedingRuns(client: Queryable, repoId: number): Promise<SuiteToRead[]> {
  const { rows } = await client.query<SuiteToRead>(
    `SELECT node_id AS "nodeId", database_id AS "databaseId" FROM github_check_suite
     WHERE repo_id = $1 AND (runs_read_for IS DISTINCT FROM updated_at
       OR (status <> 'COMPLETED' AND created_at > now() - interval '3 days'))
     ORDER BY database_id`,
    [repoId],
  );
  return rows;
}

/** Replaces the check runs of the given suites and records for which suite state they were read. */
export async function replaceCheckRuns(
  client: Queryable,
  repoId: number,
  suites: readonly { databaseId: number; updatedAt: string }[],
  runs: readonly GithubCheckRunRow[],
): Promise<void> {
  if (suites.length === 0) return;
  await client.query("DELETE FROM github_check_run WHERE repo_id = $1 AND check_suite_id = ANY($2::int8[])", [
    repoId,
    suites.map((s) => s.databaseId),
  ]);
  await inChunks(runs, 5000, async (chunk) => {
    await client.query(
      `INSERT INTO github_check_run (repo_id, database_id, check_suite_id, name, status, conclusion, started_at,
         completed_at, details_url, deployment_database_id)
       SELECT $1, * FROM unnest($2::int8[], $3::int8[], $4::text[], $5::text[], $6::text[], $7::timestamptz[],
         $8::timestamptz[], $9::text[], $10::int8[])
       ON CONFLICT (repo_id, database_id) DO UPDATE SET check_suite_id = EXCLUDED.check_suite_id,
         name = EXCLUDED.name, status = EXCLUDED.status, conclusion = EXCLUDED.conclusion,
         started_at = EXCLUDED.started_at, completed_at = EXCLUDED.completed_at, details_url = EXCLUDED.details_url,
         deployment_database_id = EXCLUDED.deployment_database_id`,
      [
        repoId,
        chunk.map((r) => r.databaseId),
        chunk.map((r) => r.checkSuiteId),
        chunk.map((r) => r.name),
        chunk.map((r) => r.status),
        chunk.map((r) => r.conclusion),
        chunk.map((r) => r.startedAt),
        chunk.map((r) => r.completedAt),
        chunk.map((r) => r.detailsUrl),
        chunk.map((r) => r.deploymentDatabaseId),
      ],
    );
  });
  await client.query(
    `UPDATE github_check_suite s SET runs_read_for = t.updated_at
     FROM unnest($2::int8[], $3::timestamptz[]) AS t(id, updated_at)
     WHERE s.repo_id = $1 AND s.database_id = t.id`,
    [repoId, suites.map((s) => s.databaseId), suites.map((s) => s.updatedAt)],
  );
}

/** Marks suites' runs as read for the suite state stored: for suites GitHub no longer has. */
export async function markRunsReadForStoredState(
  client: Queryable,
  repoId: number,
  suiteIds: readonly number[],
): Promise<void> {
  if (suiteIds.length === 0) return;
  await client.query(
    "UPDATE github_check_suite SET runs_read_for = updated_at WHERE repo_id = $1 AND database_id = ANY($2::int8[])",
    [repoId, suiteIds],
  );
}

export interface RunToReview {
  nodeId: string;
  databaseId: number;
}

/**
 * Workflow runs that performed a deployment which waited for approval, or went to an
 * environment that requires reviewers, and whose reviews are unread for their current state.
 */
export async function findRunsNeedingReviews(client: Queryable, repoId: number): Promise<RunToReview[]> {
  const { rows } = await client.query<RunToReview>(
    `SELECT DISTINCT w.node_id AS "nodeId", w.database_id AS "databaseId"
     FROM github_workflow_run w
     JOIN github_check_run r ON r.repo_id = w.repo_id AND r.check_suite_id = w.check_suite_id
     JOIN github_deployment d ON d.repo_id = r.repo_id AND d.database_id = r.deployment_database_id
     WHERE w.repo_id = $1 AND w.reviews_read_for IS DISTINCT FROM w.updated_at
       AND (EXISTS (SELECT 1 FROM github_deployment_status s
                    WHERE s.repo_id = d.repo_id AND s.deployment_id = d.database_id AND s.state = 'WAITING')
         OR EXISTS (SELECT 1 FROM github_protection_rule p
                    WHERE p.repo_id = d.repo_id AND p.environment_name = d.environment AND p.type = 'REQUIRED_REVIEWERS'))
     ORDER BY w.database_id`,
    [repoId],
  );
  return rows;
}

export async function replaceDeploymentReviews(
  client: Queryable,
  repoId: number,
  runIds: readonly number[],
  reviews: readonly GithubDeploymentReviewRow[],
): Promise<void> {
  if (runIds.length === 0) return;
  await client.query(
    "DELETE FROM github_deployment_review WHERE repo_id = $1 AND workflow_run_id = ANY($2::int8[])",
    [repoId, runIds],
  );
  if (reviews.length > 0) {
    await client.query(
      `INSERT INTO github_deployment_review (repo_id, workflow_run_id, position, database_id, state, comment,
         user_login, environments)
       SELECT $1, t.run, t.pos, t.id, t.state, t.comment, t.login, t.envs::text[]
       FROM unnest($2::int8[], $3::int[], $4::int8[], $5::text[], $6::text[], $7::text[], $8::text[])
         AS t(run, pos, id, state, comment, login, envs)`,
      [
        repoId,
        reviews.map((r) => r.workflowRunId),
        reviews.map((r) => r.position),
        reviews.map((r) => r.databaseId),
        reviews.map((r) => r.state),
        reviews.map((r) => r.comment),
        reviews.map((r) => r.userLogin),
        reviews.map((r) => arrayLiteral(r.environments)),
      ],
    );
  }
  await client.query(
    `UPDATE github_workflow_run SET reviews_read_for = updated_at
     WHERE repo_id = $1 AND database_id = ANY($2::int8[])`,
    [repoId, runIds],
  );
}
