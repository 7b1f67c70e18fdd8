// Every GraphQL document the sync sends. The documents live in documents/*.graphql; their
// variables and answer types are generated from GitHub's published schema (generated.ts,
// `npm run codegen`), so a field the schema declares nullable is nullable here too.
import { batchDocument } from "./batch";
import {
  CHECK_RUNS_BATCH,
  COMMIT_OBJECTS_BATCH,
  COMMIT_SUITES_BATCH,
  DEPLOYMENT_PAGE,
  DEPLOYMENT_REFRESH_BATCH,
  DEPLOYMENT_REVIEWS_BATCH,
  HEADS_BATCH,
  HISTORY_PAGE,
  PULL_REQUEST_PAGE,
  RELEASE_PAGE,
  TAG_PAGE,
} from "./cost";
import {
  AllDeploymentReviewsDocument,
  BranchHeadsDocument,
  CheckRunsDocument,
  CommitHistoryDocument,
  CommitObjectsDocument,
  CommitSuitesDocument,
  DeploymentReviewsDocument,
  DeploymentStatusesDocument,
  DeploymentsDocument,
  EnvironmentsDocument,
  PullRequestCommitsDocument,
  PullRequestReviewsDocument,
  PullRequestsDocument,
  PullRequestTimelineDocument,
  ReleasesDocument,
  TagsDocument,
} from "./generated";

export * from "./batch";
export * from "./cost";
export type * from "./generated";
export {
  AllDeploymentReviewsDocument,
  CommitHistoryDocument,
  DeploymentStatusesDocument,
  EnvironmentsDocument,
  PullRequestCommitsDocument,
  PullRequestReviewsDocument,
  PullRequestsDocument,
  PullRequestTimelineDocument,
  ReleasesDocument,
  TagsDocument,
};

/** The default branch's head and the named branches' heads (`b0`…). */
export const branchHeadsQuery = (branches: number) =>
  batchDocument(BranchHeadsDocument, branches, HEADS_BATCH);
/** Commits by SHA (`repository.c0`…). */
export const commitObjectsQuery = (n: number) =>
  batchDocument(CommitObjectsDocument, n, COMMIT_OBJECTS_BATCH);
/** Check suites of commits read earlier (`repository.c0`… with cursors `$a0`…). */
export const commitSuitesQuery = (n: number) => batchDocument(CommitSuitesDocument, n, COMMIT_SUITES_BATCH);
/** Check suites by node id with their runs (`s0`…, cursors `$a0`…). */
export const checkRunsQuery = (n: number) => batchDocument(CheckRunsDocument, n, CHECK_RUNS_BATCH);
/** Deployment reviews per workflow run (`w0`…). */
export const deploymentReviewsQuery = (n: number) =>
  batchDocument(DeploymentReviewsDocument, n, DEPLOYMENT_REVIEWS_BATCH);
/** A page of deployments plus deployments refreshed by node id (`r0`…). */
export const deploymentsQuery = (refresh: number) =>
  batchDocument(DeploymentsDocument, refresh, DEPLOYMENT_REFRESH_BATCH);

export interface QueryDocumentEntry {
  name: string;
  document: string;
  /** The page size the sync passes, for costing the document. */
  variables: Record<string, unknown>;
}

/**
 * Every document shape the sync can send: the fixed ones, and each batch at its smallest,
 * a middle and its largest size (a batch only repeats one aliased field).
 */
export function allQueryDocuments(): QueryDocumentEntry[] {
  const sizes = (max: number, withZero: boolean) => [
    ...new Set([...(withZero ? [0] : []), 1, 2, Math.ceil(max / 2), max]),
  ];
  const built = (
    name: string,
    max: number,
    build: (n: number) => { toString(): string },
    variables = {},
    withZero = false,
  ) => sizes(max, withZero).map((n) => ({ name: `${name}(${n})`, document: build(n).toString(), variables }));
  const fixed = (
    name: string,
    document: { toString(): string },
    variables: Record<string, unknown> = {},
  ) => ({
    name,
    document: document.toString(),
    variables,
  });
  return [
    fixed("CommitHistory", CommitHistoryDocument, { first: HISTORY_PAGE }),
    fixed("PullRequests", PullRequestsDocument, { first: PULL_REQUEST_PAGE }),
    fixed("PullRequestCommits", PullRequestCommitsDocument),
    fixed("PullRequestReviews", PullRequestReviewsDocument),
    fixed("PullRequestTimeline", PullRequestTimelineDocument),
    fixed("DeploymentStatuses", DeploymentStatusesDocument),
    fixed("Environments", EnvironmentsDocument),
    fixed("Tags", TagsDocument, { first: TAG_PAGE }),
    fixed("Releases", ReleasesDocument, { first: RELEASE_PAGE }),
    fixed("AllDeploymentReviews", AllDeploymentReviewsDocument),
    ...built("BranchHeads", HEADS_BATCH, branchHeadsQuery, {}, true),
    ...built("CommitObjects", COMMIT_OBJECTS_BATCH, commitObjectsQuery),
    ...built("CommitSuites", COMMIT_SUITES_BATCH, commitSuitesQuery),
    ...built("CheckRuns", CHECK_RUNS_BATCH, checkRunsQuery),
    ...built("DeploymentReviews", DEPLOYMENT_REVIEWS_BATCH, deploymentReviewsQuery),
    ...built("Deployments", DEPLOYMENT_REFRESH_BATCH, deploymentsQuery, { first: DEPLOYMENT_PAGE }, true),
  ];
}
