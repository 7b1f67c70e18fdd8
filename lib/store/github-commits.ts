import { arrayLiteral, inChunks, type Queryable } from "./sql";
import { changedWhere, countWrites, type WriteCounts } from "./write-tally";

const SUITE_COLUMNS = [
  "node_id",
  "commit_sha",
  "app_slug",
  "app_name",
  "branch",
  "status",
  "conclusion",
  "created_at",
  "updated_at",
  "creator_login",
  "url",
];

export interface GithubSignatureRow {
  kind: string;
  state: string;
  isValid: boolean;
  wasSignedByGitHub: boolean;
  email: string;
  signerLogin: string | null;
  verifiedAt: string | null;
  keyId: string | null;
  keyFingerprint: string | null;
}

export interface GithubCommitRow {
  sha: string;
  parentShas: string[];
  message: string;
  authorName: string | null;
  authorEmail: string | null;
  authorLogin: string | null;
  authoredAt: string;
  committerName: string | null;
  committerEmail: string | null;
  committerLogin: string | null;
  committedAt: string;
  committedViaWeb: boolean;
  signature: GithubSignatureRow | null;
}

export interface GithubWorkflowRunRow {
  databaseId: number;
  nodeId: string;
  workflowDatabaseId: number | null;
  workflowName: string;
  workflowPath: string | null;
  runNumber: number;
  event: string;
  createdAt: string;
  updatedAt: string;
  url: string;
}

export interface GithubCheckSuiteRow {
  databaseId: number;
  nodeId: string;
  commitSha: string;
  appSlug: string | null;
  appName: string | null;
  branch: string | null;
  status: string;
  conclusion: string | null;
  createdAt: string;
  updatedAt: string;
  creatorLogin: string | null;
  url: string;
  workflowRun: GithubWorkflowRunRow | null;
}

/** Stages commits; a commit already staged keeps its row (a commit never changes), its signature is refreshed. */
export async function stageGithubCommits(
  client: Queryable,
  repoId: number,
  runId: number,
  rows: readonly GithubCommitRow[],
): Promise<WriteCounts> {
  const written: { inserted: boolean }[] = [];
  await inChunks(rows, 2000, async (chunk) => {
    const { rows: staged } = await client.query<{ inserted: boolean }>(
      `INSERT INTO github_commit (repo_id, sha, parent_shas, message, author_name, author_email, author_login,
         authored_at, committer_name, committer_email, committer_login, committed_at, committed_via_web, first_run_id)
       SELECT $1, t.sha, t.parents::text[], t.msg, t.an, t.ae, t.al, t.at, t.cn, t.ce, t.cl, t.ct, t.web, $2
       FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[],
         $10::text[], $11::text[], $12::text[], $13::timestamptz[], $14::bool[])
         AS t(sha, parents, msg, an, ae, al, at, cn, ce, cl, ct, web)
       ON CONFLICT (repo_id, sha) DO NOTHING
       RETURNING true AS inserted`,
      [
        repoId,
        runId,
        chunk.map((c) => c.sha),
        chunk.map((c) => arrayLiteral(c.parentShas)),
        chunk.map((c) => c.message),
        chunk.map((c) => c.authorName),
        chunk.map((c) => c.authorEmail),
        chunk.map((c) => c.authorLogin),
        chunk.map((c) => c.authoredAt),
        chunk.map((c) => c.committerName),
        chunk.map((c) => c.committerEmail),
        chunk.map((c) => c.committerLogin),
        chunk.map((c) => c.committedAt),
        chunk.map((c) => c.committedViaWeb),
      ],
    );
    written.push(...staged);
    const signed = chunk.filter((c) => c.signature);
    if (signed.length === 0) return;
    await client.query(
      `INSERT INTO github_commit_signature (repo_id, sha, kind, state, is_valid, was_signed_by_github, email,
         signer_login, verified_at, key_id, key_fingerprint)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::bool[], $6::bool[], $7::text[], $8::text[],
         $9::timestamptz[], $10::text[], $11::text[])
       ON CONFLICT (repo_id, sha) DO UPDATE SET kind = EXCLUDED.kind, state = EXCLUDED.state,
         is_valid = EXCLUDED.is_valid, was_signed_by_github = EXCLUDED.was_signed_by_github, email = EXCLUDED.email,
         signer_login = EXCLUDED.signer_login, verified_at = EXCLUDED.verified_at, key_id = EXCLUDED.key_id,
         key_fingerprint = EXCLUDED.key_fingerprint`,
      [
        repoId,
        signed.map((c) => c.sha),
        signed.map((c) => c.signature!.kind),
        signed.map((c) => c.signature!.state),
        signed.map((c) => c.signature!.isValid),
        signed.map((c) => c.signature!.wasSignedByGitHub),
        signed.map((c) => c.signature!.email),
        signed.map((c) => c.signature!.signerLogin),
        signed.map((c) => c.signature!.verifiedAt),
        signed.map((c) => c.signature!.keyId),
        signed.map((c) => c.signature!.keyFingerprint),
      ],
    );
  });
  return countWrites("commits", rows.length, written);
}

/**
 * Upserts check suites and their workflow runs. The branch a suite ran for is kept once known:
 * GitHub reports null after the branch is deleted, which would erase what CI ran on.
 */
export async function upsertCheckSuites(
  client: Queryable,
  repoId: number,
  suites: readonly GithubCheckSuiteRow[],
): Promise<WriteCounts> {
  const written: { inserted: boolean }[] = [];
  await inChunks(suites, 2000, async (chunk) => {
    const { rows } = await client.query<{ inserted: boolean }>(
      `INSERT INTO github_check_suite (repo_id, database_id, node_id, commit_sha, app_slug, app_name, branch, status,
         conclusion, created_at, updated_at, creator_login, url)
       SELECT $1, * FROM unnest($2::int8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
         $9::text[], $10::timestamptz[], $11::timestamptz[], $12::text[], $13::text[])
       ON CONFLICT (repo_id, database_id) DO UPDATE SET node_id = EXCLUDED.node_id, commit_sha = EXCLUDED.commit_sha,
         app_slug = EXCLUDED.app_slug, app_name = EXCLUDED.app_name,
         branch = COALESCE(EXCLUDED.branch, github_check_suite.branch), status = EXCLUDED.status,
         conclusion = EXCLUDED.conclusion, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
         creator_login = EXCLUDED.creator_login, url = EXCLUDED.url
       WHERE ${changedWhere("github_check_suite", SUITE_COLUMNS, { branch: "COALESCE(EXCLUDED.branch, github_check_suite.branch)" })}
       RETURNING (xmax = 0) AS inserted`,
      [
        repoId,
        chunk.map((s) => s.databaseId),
        chunk.map((s) => s.nodeId),
        chunk.map((s) => s.commitSha),
        chunk.map((s) => s.appSlug),
        chunk.map((s) => s.appName),
        chunk.map((s) => s.branch),
        chunk.map((s) => s.status),
        chunk.map((s) => s.conclusion),
        chunk.map((s) => s.createdAt),
        chunk.map((s) => s.updatedAt),
        chunk.map((s) => s.creatorLogin),
        chunk.map((s) => s.url),
      ],
    );
    written.push(...rows);
    const runs = chunk.filter((s) => s.workflowRun);
    if (runs.length === 0) return;
    await client.query(
      `INSERT INTO github_workflow_run (repo_id, database_id, check_suite_id, node_id, workflow_database_id,
         workflow_name, workflow_path, run_number, event, status, conclusion, created_at, updated_at, url)
       SELECT $1, * FROM unnest($2::int8[], $3::int8[], $4::text[], $5::int8[], $6::text[], $7::text[], $8::int[],
         $9::text[], $10::text[], $11::text[], $12::timestamptz[], $13::timestamptz[], $14::text[])
       ON CONFLICT (repo_id, database_id) DO UPDATE SET check_suite_id = EXCLUDED.check_suite_id,
         node_id = EXCLUDED.node_id, workflow_database_id = EXCLUDED.workflow_database_id,
         workflow_name = EXCLUDED.workflow_name, workflow_path = EXCLUDED.workflow_path,
         run_number = EXCLUDED.run_number, event = EXCLUDED.event, status = EXCLUDED.status,
         conclusion = EXCLUDED.conclusion, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
         url = EXCLUDED.url`,
      [
        repoId,
        runs.map((s) => s.workflowRun!.databaseId),
        runs.map((s) => s.databaseId),
        runs.map((s) => s.workflowRun!.nodeId),
        runs.map((s) => s.workflowRun!.workflowDatabaseId),
        runs.map((s) => s.workflowRun!.workflowName),
        runs.map((s) => s.workflowRun!.workflowPath),
        runs.map((s) => s.workflowRun!.runNumber),
        runs.map((s) => s.workflowRun!.event),
        runs.map((s) => s.status),
        runs.map((s) => s.conclusion),
        runs.map((s) => s.workflowRun!.createdAt),
        runs.map((s) => s.workflowRun!.updatedAt),
        runs.map((s) => s.workflowRun!.url),
      ],
    );
  });
  return countWrites("check_suites", suites.length, written);
}

export async function findStagedShas(client: Queryable, repoId: number): Promise<Set<string>> {
  const { rows } = await client.query<{ sha: string }>("SELECT sha FROM github_commit WHERE repo_id = $1", [
    repoId,
  ]);
  return new Set(rows.map((r) => r.sha));
}

/**
 * SHAs that something GitHub told us about points at, and that are not staged yet: parents of
 * staged commits, PR commits, heads and merge commits, deployed SHAs, tagged and released commits.
 */
export async function findMissingCommitShas(client: Queryable, repoId: number): Promise<string[]> {
  const { rows } = await client.query<{ sha: string }>(
    `WITH wanted AS (
       SELECT unnest(parent_shas) AS sha FROM github_commit WHERE repo_id = $1
       UNION SELECT sha FROM github_pull_request_commit WHERE repo_id = $1
       UNION SELECT head_ref_oid FROM github_pull_request WHERE repo_id = $1
       UNION SELECT merge_commit_sha FROM github_pull_request WHERE repo_id = $1
       UNION SELECT sha FROM github_deployment WHERE repo_id = $1
       UNION SELECT commit_sha FROM github_tag_version WHERE repo_id = $1
       UNION SELECT tag_commit_sha FROM github_release WHERE repo_id = $1
     )
     SELECT w.sha FROM wanted w
     WHERE w.sha IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM github_commit g WHERE g.repo_id = $1 AND g.sha = w.sha)
     ORDER BY w.sha`,
    [repoId],
  );
  return rows.map((r) => r.sha);
}

export async function markSuitesStale(
  client: Queryable,
  repoId: number,
  runId: number,
  shas: readonly string[],
): Promise<void> {
  if (shas.length === 0) return;
  await client.query(
    `UPDATE github_commit SET suites_stale = true
     WHERE repo_id = $1 AND sha = ANY($2::text[]) AND first_run_id <> $3 AND NOT suites_stale`,
    [repoId, shas, runId],
  );
}

/** Marks commits' suites for re-reading whatever run staged them (they came without their suites). */
export async function markSuitesUnread(
  client: Queryable,
  repoId: number,
  shas: readonly string[],
): Promise<void> {
  if (shas.length === 0) return;
  await client.query(
    `UPDATE github_commit SET suites_stale = true WHERE repo_id = $1 AND sha = ANY($2::text[]) AND NOT suites_stale`,
    [repoId, shas],
  );
}

export async function findStaleSuiteCommits(client: Queryable, repoId: number): Promise<string[]> {
  const { rows } = await client.query<{ sha: string }>(
    "SELECT sha FROM github_commit WHERE repo_id = $1 AND suites_stale ORDER BY sha",
    [repoId],
  );
  return rows.map((r) => r.sha);
}

export async function clearSuitesStale(
  client: Queryable,
  repoId: number,
  shas: readonly string[],
): Promise<void> {
  await client.query(
    "UPDATE github_commit SET suites_stale = false WHERE repo_id = $1 AND sha = ANY($2::text[])",
    [repoId, shas],
  );
}

export interface StagedCommit {
  sha: string;
  parentShas: string[];
  message: string;
  authorName: string | null;
  authorEmail: string | null;
  authoredAtMs: number;
  committerName: string | null;
  committerEmail: string | null;
  committedAtMs: number;
}

/** Staged commits that are not in the `commit` graph yet. */
export async function findUnmaterializedCommits(client: Queryable, repoId: number): Promise<StagedCommit[]> {
  const { rows } = await client.query<StagedCommit>(
    `SELECT g.sha, g.parent_shas AS "parentShas", g.message, g.author_name AS "authorName",
       g.author_email AS "authorEmail", (extract(epoch from g.authored_at) * 1000)::float8 AS "authoredAtMs",
       g.committer_name AS "committerName", g.committer_email AS "committerEmail",
       (extract(epoch from g.committed_at) * 1000)::float8 AS "committedAtMs"
     FROM github_commit g
     WHERE g.repo_id = $1 AND NOT EXISTS (SELECT 1 FROM "commit" c WHERE c.repo_id = g.repo_id AND c.sha = g.sha)`,
    [repoId],
  );
  return rows;
}
