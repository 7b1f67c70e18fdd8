// Fragments shared by the query documents. A document must use every fragment it carries
// (GraphQL rejects unused ones), so each document appends exactly the ones it spreads.

export const RATE_LIMIT = "rateLimit { cost limit remaining used resetAt }";

export const SUITE_FIELDS = `fragment SuiteFields on CheckSuite {
  id databaseId status conclusion createdAt updatedAt url
  app { slug name }
  branch { name }
  creator { login }
  commit { oid }
  workflowRun {
    id databaseId runNumber event createdAt updatedAt url
    file { path }
    workflow { databaseId name }
  }
}`;

/**
 * Everything Lineage keeps of a commit. Its two connections cost one request each per commit
 * (the page size inside does not change the cost), so `parents` asks for all of them.
 */
export const COMMIT_FIELDS = `fragment CommitFields on Commit {
  oid message committedDate authoredDate committedViaWeb
  author { name email user { login } }
  committer { name email user { login } }
  parents(first: 100) { totalCount nodes { oid } }
  signature {
    __typename isValid state wasSignedByGitHub email verifiedAt
    signer { login }
    ... on GpgSignature { keyId }
    ... on SshSignature { keyFingerprint }
  }
  checkSuites(first: 10) { pageInfo { hasNextPage endCursor } nodes { ...SuiteFields } }
}`;

export const CHECK_RUN_FIELDS = `fragment CheckRunFields on CheckRun {
  databaseId name status conclusion startedAt completedAt detailsUrl
  deployment { databaseId }
}`;

export const REVIEW_FIELDS = `fragment ReviewFields on PullRequestReview {
  fullDatabaseId authorAssociation authorCanPushToRepository state submittedAt createdAt
  author { __typename login }
  commit { oid }
}`;

export const TIMELINE_ITEM_TYPES = "[REVIEW_DISMISSED_EVENT, MERGED_EVENT, HEAD_REF_FORCE_PUSHED_EVENT]";

export const TIMELINE_FIELDS = `fragment TimelineFields on PullRequestTimelineItems {
  __typename
  ... on ReviewDismissedEvent {
    databaseId createdAt previousReviewState dismissalMessage
    actor { login }
    review { fullDatabaseId }
    pullRequestCommit { commit { oid } }
  }
  ... on MergedEvent { createdAt mergeRefName actor { login } commit { oid } }
  ... on HeadRefForcePushedEvent { createdAt actor { login } beforeCommit { oid } afterCommit { oid } }
}`;

/** Each of the three connections costs one request per PR on the page. */
export const PULL_REQUEST_FIELDS = `fragment PullRequestFields on PullRequest {
  number title url fullDatabaseId createdAt updatedAt closedAt mergedAt state isDraft
  authorAssociation baseRefName baseRefOid headRefName headRefOid isCrossRepository reviewDecision
  author { __typename login }
  mergedBy { login }
  mergeCommit { oid }
  commits(first: 100) { pageInfo { hasNextPage endCursor } nodes { commit { oid } } }
  reviews(first: 100) { pageInfo { hasNextPage endCursor } nodes { ...ReviewFields } }
  timelineItems(first: 100, itemTypes: ${TIMELINE_ITEM_TYPES}) {
    pageInfo { hasNextPage endCursor }
    nodes { ...TimelineFields }
  }
}`;

export const DEPLOYMENT_STATUS_FIELDS = `fragment DeploymentStatusFields on DeploymentStatus {
  state description environment environmentUrl logUrl createdAt updatedAt
  creator { login }
}`;

export const DEPLOYMENT_FIELDS = `fragment DeploymentFields on Deployment {
  id databaseId environment originalEnvironment latestEnvironment state task description payload
  createdAt updatedAt commitOid
  ref { name }
  creator { __typename login }
  statuses(first: 10) { pageInfo { hasNextPage endCursor } nodes { ...DeploymentStatusFields } }
}`;

export function withFragments(body: string, ...fragments: string[]): string {
  return [body, ...fragments].join("\n");
}

/** `$p0: T, $p1: T, …` for n aliased fields. */
export function variableList(prefix: string, type: string, n: number): string {
  return Array.from({ length: n }, (_, i) => `$${prefix}${i}: ${type}`).join(", ");
}

/** Keeps n within the batch sizes the documents were validated and costed for. */
export function assertBatch(n: number, max: number, what: string): void {
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`${what}: batch of ${n} outside 1..${max}`);
}
