import { inChunks, type Queryable } from "./sql";
import { changedWhere, countWrites, type WriteCounts } from "./write-tally";

const PR_COLUMNS = [
  "database_id",
  "title",
  "url",
  "author_login",
  "author_type",
  "author_association",
  "state",
  "is_draft",
  "created_at",
  "updated_at",
  "closed_at",
  "merged_at",
  "merged_by_login",
  "merge_commit_sha",
  "base_ref_name",
  "base_ref_oid",
  "head_ref_name",
  "head_ref_oid",
  "is_cross_repository",
  "review_decision",
];

export interface GithubReviewRow {
  databaseId: number;
  authorLogin: string | null;
  authorType: string | null;
  authorAssociation: string;
  authorCanPush: boolean;
  state: string;
  submittedAt: string | null;
  createdAt: string;
  commitSha: string | null;
}

export interface GithubDismissalRow {
  databaseId: number | null;
  reviewDatabaseId: number | null;
  actorLogin: string | null;
  createdAt: string;
  previousReviewState: string;
  message: string | null;
  pullRequestCommitSha: string | null;
}

export interface GithubPrEventRow {
  kind: "MERGED" | "HEAD_REF_FORCE_PUSHED";
  createdAt: string;
  actorLogin: string | null;
  commitSha: string | null;
  beforeSha: string | null;
  afterSha: string | null;
  refName: string | null;
}

export interface GithubPullRequestRow {
  number: number;
  databaseId: number | null;
  title: string;
  url: string;
  authorLogin: string | null;
  authorType: string | null;
  authorAssociation: string;
  state: string;
  isDraft: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  mergedByLogin: string | null;
  mergeCommitSha: string | null;
  baseRefName: string;
  baseRefOid: string;
  headRefName: string;
  headRefOid: string;
  isCrossRepository: boolean;
  reviewDecision: string | null;
  commits: string[];
  reviews: GithubReviewRow[];
  dismissals: GithubDismissalRow[];
  events: GithubPrEventRow[];
}

/**
 * Writes PRs as read: the PR row is updated, and its commits, reviews, dismissals and events are
 * replaced, since a re-read PR carries all of them (a force push changes its commit list).
 * Counted by the PR row: a review, dismissal or push also bumps the PR's `updatedAt`.
 */
export async function writePullRequests(
  client: Queryable,
  repoId: number,
  prs: readonly GithubPullRequestRow[],
): Promise<WriteCounts> {
  if (prs.length === 0) return countWrites("pull_requests", 0, []);
  const numbers = prs.map((p) => p.number);
  const { rows: written } = await client.query<{ inserted: boolean }>(
    `INSERT INTO github_pull_request (repo_id, number, database_id, title, url, author_login, author_type,
       author_association, state, is_draft, created_at, updated_at, closed_at, merged_at, merged_by_login,
       merge_commit_sha, base_ref_name, base_ref_oid, head_ref_name, head_ref_oid, is_cross_repository, review_decision)
     SELECT $1, * FROM unnest($2::int[], $3::int8[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
       $9::text[], $10::bool[], $11::timestamptz[], $12::timestamptz[], $13::timestamptz[], $14::timestamptz[],
       $15::text[], $16::text[], $17::text[], $18::text[], $19::text[], $20::text[], $21::bool[], $22::text[])
     ON CONFLICT (repo_id, number) DO UPDATE SET database_id = EXCLUDED.database_id, title = EXCLUDED.title,
       url = EXCLUDED.url, author_login = EXCLUDED.author_login, author_type = EXCLUDED.author_type,
       author_association = EXCLUDED.author_association, state = EXCLUDED.state, is_draft = EXCLUDED.is_draft,
       created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at, closed_at = EXCLUDED.closed_at,
       merged_at = EXCLUDED.merged_at, merged_by_login = EXCLUDED.merged_by_login,
       merge_commit_sha = EXCLUDED.merge_commit_sha, base_ref_name = EXCLUDED.base_ref_name,
       base_ref_oid = EXCLUDED.base_ref_oid, head_ref_name = EXCLUDED.head_ref_name,
       head_ref_oid = EXCLUDED.head_ref_oid, is_cross_repository = EXCLUDED.is_cross_repository,
       review_decision = EXCLUDED.review_decision
     WHERE ${changedWhere("github_pull_request", PR_COLUMNS)}
     RETURNING (xmax = 0) AS inserted`,
    [
      repoId,
      numbers,
      prs.map((p) => p.databaseId),
      prs.map((p) => p.title),
      prs.map((p) => p.url),
      prs.map((p) => p.authorLogin),
      prs.map((p) => p.authorType),
      prs.map((p) => p.authorAssociation),
      prs.map((p) => p.state),
      prs.map((p) => p.isDraft),
      prs.map((p) => p.createdAt),
      prs.map((p) => p.updatedAt),
      prs.map((p) => p.closedAt),
      prs.map((p) => p.mergedAt),
      prs.map((p) => p.mergedByLogin),
      prs.map((p) => p.mergeCommitSha),
      prs.map((p) => p.baseRefName),
      prs.map((p) => p.baseRefOid),
      prs.map((p) => p.headRefName),
      prs.map((p) => p.headRefOid),
      prs.map((p) => p.isCrossRepository),
      prs.map((p) => p.reviewDecision),
    ],
  );
  for (const table of [
    "github_pull_request_commit",
    "github_review",
    "github_review_dismissal",
    "github_pull_request_event",
  ]) {
    await client.query(`DELETE FROM ${table} WHERE repo_id = $1 AND pr_number = ANY($2::int[])`, [
      repoId,
      numbers,
    ]);
  }

  const commits = prs.flatMap((p) => p.commits.map((sha, position) => ({ pr: p.number, position, sha })));
  await inChunks(commits, 10_000, async (chunk) => {
    await client.query(
      `INSERT INTO github_pull_request_commit (repo_id, pr_number, position, sha)
       SELECT $1, * FROM unnest($2::int[], $3::int[], $4::text[])`,
      [repoId, chunk.map((c) => c.pr), chunk.map((c) => c.position), chunk.map((c) => c.sha)],
    );
  });

  const reviews = prs.flatMap((p) => p.reviews.map((r) => ({ pr: p.number, ...r })));
  if (reviews.length > 0) {
    await client.query(
      `INSERT INTO github_review (repo_id, database_id, pr_number, author_login, author_type, author_association,
         author_can_push, state, submitted_at, created_at, commit_sha)
       SELECT $1, * FROM unnest($2::int8[], $3::int[], $4::text[], $5::text[], $6::text[], $7::bool[], $8::text[],
         $9::timestamptz[], $10::timestamptz[], $11::text[])
       ON CONFLICT (repo_id, database_id) DO UPDATE SET pr_number = EXCLUDED.pr_number,
         author_login = EXCLUDED.author_login, author_type = EXCLUDED.author_type,
         author_association = EXCLUDED.author_association, author_can_push = EXCLUDED.author_can_push,
         state = EXCLUDED.state, submitted_at = EXCLUDED.submitted_at, created_at = EXCLUDED.created_at,
         commit_sha = EXCLUDED.commit_sha`,
      [
        repoId,
        reviews.map((r) => r.databaseId),
        reviews.map((r) => r.pr),
        reviews.map((r) => r.authorLogin),
        reviews.map((r) => r.authorType),
        reviews.map((r) => r.authorAssociation),
        reviews.map((r) => r.authorCanPush),
        reviews.map((r) => r.state),
        reviews.map((r) => r.submittedAt),
        reviews.map((r) => r.createdAt),
        reviews.map((r) => r.commitSha),
      ],
    );
  }

  const dismissals = prs.flatMap((p) =>
    p.dismissals.map((d, position) => ({ pr: p.number, position, ...d })),
  );
  if (dismissals.length > 0) {
    await client.query(
      `INSERT INTO github_review_dismissal (repo_id, pr_number, position, database_id, review_database_id,
         actor_login, created_at, previous_review_state, message, pull_request_commit_sha)
       SELECT $1, * FROM unnest($2::int[], $3::int[], $4::int8[], $5::int8[], $6::text[], $7::timestamptz[],
         $8::text[], $9::text[], $10::text[])`,
      [
        repoId,
        dismissals.map((d) => d.pr),
        dismissals.map((d) => d.position),
        dismissals.map((d) => d.databaseId),
        dismissals.map((d) => d.reviewDatabaseId),
        dismissals.map((d) => d.actorLogin),
        dismissals.map((d) => d.createdAt),
        dismissals.map((d) => d.previousReviewState),
        dismissals.map((d) => d.message),
        dismissals.map((d) => d.pullRequestCommitSha),
      ],
    );
  }

  const events = prs.flatMap((p) => p.events.map((e, position) => ({ pr: p.number, position, ...e })));
  if (events.length > 0) {
    await client.query(
      `INSERT INTO github_pull_request_event (repo_id, pr_number, position, kind, created_at, actor_login,
         commit_sha, before_sha, after_sha, ref_name)
       SELECT $1, * FROM unnest($2::int[], $3::int[], $4::text[], $5::timestamptz[], $6::text[], $7::text[],
         $8::text[], $9::text[], $10::text[])`,
      [
        repoId,
        events.map((e) => e.pr),
        events.map((e) => e.position),
        events.map((e) => e.kind),
        events.map((e) => e.createdAt),
        events.map((e) => e.actorLogin),
        events.map((e) => e.commitSha),
        events.map((e) => e.beforeSha),
        events.map((e) => e.afterSha),
        events.map((e) => e.refName),
      ],
    );
  }
  return countWrites("pull_requests", prs.length, written);
}
