import { arrayLiteral, inChunks, type Queryable } from "./sql";
import { changedWhere, countWrites, type WriteCounts } from "./write-tally";

const DEPLOYMENT_COLUMNS = [
  "node_id",
  "environment",
  "original_environment",
  "latest_environment",
  "state",
  "task",
  "description",
  "payload",
  "created_at",
  "updated_at",
  "sha",
  "ref_name",
  "creator_login",
  "creator_type",
  "latest_status",
];

export interface GithubDeploymentStatusRow {
  state: string;
  description: string | null;
  environment: string | null;
  environmentUrl: string | null;
  logUrl: string | null;
  createdAt: string;
  updatedAt: string | null;
  creatorLogin: string | null;
}

export interface GithubDeploymentRow {
  databaseId: number;
  nodeId: string;
  environment: string | null;
  originalEnvironment: string | null;
  latestEnvironment: string | null;
  state: string | null;
  task: string | null;
  description: string | null;
  payload: string | null;
  createdAt: string;
  updatedAt: string;
  sha: string;
  refName: string | null;
  creatorLogin: string | null;
  creatorType: string | null;
  /** Oldest first. */
  statuses: GithubDeploymentStatusRow[];
}

export interface GithubEnvironmentRow {
  name: string;
  databaseId: number | null;
  rules: {
    databaseId: number | null;
    type: string;
    timeout: number;
    preventSelfReview: boolean | null;
    reviewers: string[];
  }[];
}

/** Which of these deployments are stored already. */
export async function findStoredDeploymentIds(
  client: Queryable,
  repoId: number,
  ids: readonly number[],
): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const { rows } = await client.query<{ id: number }>(
    "SELECT database_id AS id FROM github_deployment WHERE repo_id = $1 AND database_id = ANY($2::int8[])",
    [repoId, ids],
  );
  return new Set(rows.map((r) => r.id));
}

/**
 * Deployments, with their statuses replaced. The ref is kept once known: GitHub answers null
 * after the branch or tag is deleted.
 */
export async function writeDeployments(
  client: Queryable,
  repoId: number,
  deployments: readonly GithubDeploymentRow[],
): Promise<WriteCounts> {
  if (deployments.length === 0) return countWrites("deployments", 0, []);
  const { rows: written } = await client.query<{ inserted: boolean }>(
    `INSERT INTO github_deployment (repo_id, database_id, node_id, environment, original_environment,
       latest_environment, state, task, description, payload, created_at, updated_at, sha, ref_name, creator_login,
       creator_type, latest_status)
     SELECT $1, * FROM unnest($2::int8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
       $9::text[], $10::text[], $11::timestamptz[], $12::timestamptz[], $13::text[], $14::text[], $15::text[],
       $16::text[], $17::text[])
     ON CONFLICT (repo_id, database_id) DO UPDATE SET node_id = EXCLUDED.node_id, environment = EXCLUDED.environment,
       original_environment = EXCLUDED.original_environment, latest_environment = EXCLUDED.latest_environment,
       state = EXCLUDED.state, task = EXCLUDED.task, description = EXCLUDED.description, payload = EXCLUDED.payload,
       created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at, sha = EXCLUDED.sha,
       ref_name = COALESCE(EXCLUDED.ref_name, github_deployment.ref_name), creator_login = EXCLUDED.creator_login,
       creator_type = EXCLUDED.creator_type, latest_status = EXCLUDED.latest_status
     WHERE ${changedWhere("github_deployment", DEPLOYMENT_COLUMNS, { ref_name: "COALESCE(EXCLUDED.ref_name, github_deployment.ref_name)" })}
     RETURNING (xmax = 0) AS inserted`,
    [
      repoId,
      deployments.map((d) => d.databaseId),
      deployments.map((d) => d.nodeId),
      deployments.map((d) => d.environment),
      deployments.map((d) => d.originalEnvironment),
      deployments.map((d) => d.latestEnvironment),
      deployments.map((d) => d.state),
      deployments.map((d) => d.task),
      deployments.map((d) => d.description),
      deployments.map((d) => d.payload),
      deployments.map((d) => d.createdAt),
      deployments.map((d) => d.updatedAt),
      deployments.map((d) => d.sha),
      deployments.map((d) => d.refName),
      deployments.map((d) => d.creatorLogin),
      deployments.map((d) => d.creatorType),
      deployments.map((d) => d.statuses[d.statuses.length - 1]?.state ?? null),
    ],
  );
  await client.query(
    "DELETE FROM github_deployment_status WHERE repo_id = $1 AND deployment_id = ANY($2::int8[])",
    [repoId, deployments.map((d) => d.databaseId)],
  );
  const statuses = deployments.flatMap((d) =>
    d.statuses.map((s, position) => ({ id: d.databaseId, position, ...s })),
  );
  await inChunks(statuses, 5000, async (chunk) => {
    await client.query(
      `INSERT INTO github_deployment_status (repo_id, deployment_id, position, state, description, environment,
         environment_url, log_url, created_at, updated_at, creator_login)
       SELECT $1, * FROM unnest($2::int8[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
         $9::timestamptz[], $10::timestamptz[], $11::text[])`,
      [
        repoId,
        chunk.map((s) => s.id),
        chunk.map((s) => s.position),
        chunk.map((s) => s.state),
        chunk.map((s) => s.description),
        chunk.map((s) => s.environment),
        chunk.map((s) => s.environmentUrl),
        chunk.map((s) => s.logUrl),
        chunk.map((s) => s.createdAt),
        chunk.map((s) => s.updatedAt),
        chunk.map((s) => s.creatorLogin),
      ],
    );
  });
  // Counted by the deployment row: a new status changes its latest_status and updated_at.
  return countWrites("deployments", deployments.length, written);
}

/**
 * Deployments whose outcome can still change: the active one of each environment turns
 * INACTIVE when superseded, and pending ones finish. Older failures and inactive ones are final.
 */
export async function findDeploymentsToRefresh(client: Queryable, repoId: number): Promise<string[]> {
  const { rows } = await client.query<{ node_id: string }>(
    `SELECT node_id FROM github_deployment
     WHERE repo_id = $1 AND (latest_status IS NULL
       OR latest_status IN ('SUCCESS', 'QUEUED', 'IN_PROGRESS', 'PENDING', 'WAITING'))
     ORDER BY created_at, database_id`,
    [repoId],
  );
  return rows.map((r) => r.node_id);
}

/** Replaces the repository's GitHub environments and their protection rules with what GitHub lists now. */
export async function replaceGithubEnvironments(
  client: Queryable,
  repoId: number,
  environments: readonly GithubEnvironmentRow[],
): Promise<void> {
  await client.query("DELETE FROM github_protection_rule WHERE repo_id = $1", [repoId]);
  await client.query("DELETE FROM github_environment WHERE repo_id = $1", [repoId]);
  if (environments.length === 0) return;
  await client.query(
    `INSERT INTO github_environment (repo_id, name, database_id) SELECT $1, * FROM unnest($2::text[], $3::int8[])`,
    [repoId, environments.map((e) => e.name), environments.map((e) => e.databaseId)],
  );
  const rules = environments.flatMap((e) => e.rules.map((r, position) => ({ env: e.name, position, ...r })));
  if (rules.length === 0) return;
  await client.query(
    `INSERT INTO github_protection_rule (repo_id, environment_name, position, database_id, type, timeout,
       prevent_self_review, reviewers)
     SELECT $1, t.env, t.pos, t.id, t.type, t.timeout, t.psr, t.reviewers::text[]
     FROM unnest($2::text[], $3::int[], $4::int8[], $5::text[], $6::int[], $7::bool[], $8::text[])
       AS t(env, pos, id, type, timeout, psr, reviewers)`,
    [
      repoId,
      rules.map((r) => r.env),
      rules.map((r) => r.position),
      rules.map((r) => r.databaseId),
      rules.map((r) => r.type),
      rules.map((r) => r.timeout),
      rules.map((r) => r.preventSelfReview),
      rules.map((r) => arrayLiteral(r.reviewers)),
    ],
  );
}

export interface DeploymentForEvents {
  databaseId: number;
  environment: string | null;
  sha: string;
  createdAtMs: number;
  creatorLogin: string | null;
  refName: string | null;
  state: string | null;
  statuses: string[];
}

/** Every deployment with its status states oldest first, in event order (time, then id). */
export async function findDeploymentsForEvents(
  client: Queryable,
  repoId: number,
): Promise<DeploymentForEvents[]> {
  const { rows } = await client.query<DeploymentForEvents>(
    `SELECT d.database_id AS "databaseId", d.environment, d.sha,
       (extract(epoch from d.created_at) * 1000)::float8 AS "createdAtMs", d.creator_login AS "creatorLogin",
       d.ref_name AS "refName", d.state,
       ARRAY(SELECT s.state FROM github_deployment_status s
             WHERE s.repo_id = d.repo_id AND s.deployment_id = d.database_id ORDER BY s.position) AS statuses
     FROM github_deployment d WHERE d.repo_id = $1 ORDER BY d.created_at, d.database_id`,
    [repoId],
  );
  return rows;
}
