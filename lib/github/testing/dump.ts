import type { Queryable } from "../../store/sql";
import { dumpRepository } from "../../store/testing/dump";

type Row = Record<string, unknown>;

/** Dates as the ISO text GitHub uses, so dumps compare with ground truth and print readably. */
function plain(rows: Row[]): Row[] {
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString().replace(".000Z", "Z") : v]),
    ),
  );
}

/**
 * Everything sync stored for a repository, keyed by GitHub's identifiers and without what
 * records when or in which run something was read (first_seen_at, first_run_id, updated_at of
 * the sync state, the run log): two databases that reached the same state by different routes
 * (faults, kill -9 and re-run) dump equal exactly when their content is.
 */
export async function dumpGithubRepository(
  client: Queryable,
  fullName: string,
): Promise<Record<string, Row[]>> {
  const repo = "(SELECT id FROM repository WHERE full_name = $1)";
  const q = async (sql: string) => plain((await client.query(sql, [fullName])).rows);
  return {
    commits: await q(
      `SELECT sha, parent_shas, message, author_name, author_email, author_login, authored_at, committer_name,
         committer_email, committer_login, committed_at, committed_via_web, suites_stale
       FROM github_commit WHERE repo_id = ${repo} ORDER BY sha`,
    ),
    signatures: await q(
      `SELECT sha, kind, state, is_valid, was_signed_by_github, email, signer_login, verified_at, key_id, key_fingerprint
       FROM github_commit_signature WHERE repo_id = ${repo} ORDER BY sha`,
    ),
    pullRequests: await q(
      `SELECT number, database_id, title, url, author_login, author_type, author_association, state, is_draft,
         created_at, updated_at, closed_at, merged_at, merged_by_login, merge_commit_sha, base_ref_name, base_ref_oid,
         head_ref_name, head_ref_oid, is_cross_repository, review_decision
       FROM github_pull_request WHERE repo_id = ${repo} ORDER BY number`,
    ),
    pullRequestCommits: await q(
      `SELECT pr_number, position, sha FROM github_pull_request_commit WHERE repo_id = ${repo} ORDER BY pr_number, position`,
    ),
    reviews: await q(
      `SELECT database_id, pr_number, author_login, author_type, author_association, author_can_push, state,
         submitted_at, created_at, commit_sha
       FROM github_review WHERE repo_id = ${repo} ORDER BY database_id`,
    ),
    dismissals: await q(
      `SELECT pr_number, position, database_id, review_database_id, actor_login, created_at, previous_review_state,
         message, pull_request_commit_sha
       FROM github_review_dismissal WHERE repo_id = ${repo} ORDER BY pr_number, position`,
    ),
    pullRequestEvents: await q(
      `SELECT pr_number, position, kind, created_at, actor_login, commit_sha, before_sha, after_sha, ref_name
       FROM github_pull_request_event WHERE repo_id = ${repo} ORDER BY pr_number, position`,
    ),
    checkSuites: await q(
      `SELECT database_id, node_id, commit_sha, app_slug, app_name, branch, status, conclusion, created_at, updated_at,
         creator_login, url, runs_read_for
       FROM github_check_suite WHERE repo_id = ${repo} ORDER BY database_id`,
    ),
    workflowRuns: await q(
      `SELECT database_id, check_suite_id, node_id, workflow_database_id, workflow_name, workflow_path, run_number,
         event, status, conclusion, created_at, updated_at, url, reviews_read_for
       FROM github_workflow_run WHERE repo_id = ${repo} ORDER BY database_id`,
    ),
    checkRuns: await q(
      `SELECT database_id, check_suite_id, name, status, conclusion, started_at, completed_at, details_url,
         deployment_database_id
       FROM github_check_run WHERE repo_id = ${repo} ORDER BY database_id`,
    ),
    deploymentReviews: await q(
      `SELECT workflow_run_id, position, database_id, state, comment, user_login, environments
       FROM github_deployment_review WHERE repo_id = ${repo} ORDER BY workflow_run_id, position`,
    ),
    deployments: await q(
      `SELECT database_id, node_id, environment, original_environment, latest_environment, state, task, description,
         payload, created_at, updated_at, sha, ref_name, creator_login, creator_type, latest_status
       FROM github_deployment WHERE repo_id = ${repo} ORDER BY database_id`,
    ),
    deploymentStatuses: await q(
      `SELECT deployment_id, position, state, description, environment, environment_url, log_url, created_at,
         updated_at, creator_login
       FROM github_deployment_status WHERE repo_id = ${repo} ORDER BY deployment_id, position`,
    ),
    environments: await q(
      `SELECT name, database_id FROM github_environment WHERE repo_id = ${repo} ORDER BY name`,
    ),
    protectionRules: await q(
      `SELECT environment_name, position, database_id, type, timeout, prevent_self_review, reviewers
       FROM github_protection_rule WHERE repo_id = ${repo} ORDER BY environment_name, position`,
    ),
    releases: await q(
      `SELECT tag_name, database_id, name, created_at, published_at, updated_at, is_prerelease, is_draft, is_latest,
         url, author_login, tag_commit_sha
       FROM github_release WHERE repo_id = ${repo} ORDER BY tag_name`,
    ),
    tagVersions: await q(
      `SELECT name, target_oid, commit_sha, annotated, tagger_name, tagger_email, tagger_login, tagged_at, message,
         commit_date, current
       FROM github_tag_version WHERE repo_id = ${repo} ORDER BY name, target_oid`,
    ),
    syncState: await q(
      `SELECT resource, high_water_mark, cursor, state FROM github_sync_state WHERE repo_id = ${repo} ORDER BY resource`,
    ),
  };
}

/** The GitHub tables and the lineage tables (commits, events, first reach) of every repository. */
export async function dumpEverything(
  client: Queryable,
  repos: readonly string[],
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const repo of repos) {
    out[repo] = {
      github: await dumpGithubRepository(client, repo),
      lineage: plainDeep(await dumpRepository(client, repo)),
    };
  }
  return out;
}

function plainDeep(dump: Record<string, unknown[]>): Record<string, Row[]> {
  return Object.fromEntries(Object.entries(dump).map(([k, rows]) => [k, plain(rows as Row[])]));
}
