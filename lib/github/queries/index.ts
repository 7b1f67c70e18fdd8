import { ALL_DEPLOYMENT_REVIEWS_QUERY, checkRunsQuery, deploymentReviewsQuery } from "./ci";
import { branchHeadsQuery, COMMIT_HISTORY_QUERY, commitObjectsQuery, commitSuitesQuery } from "./commits";
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
import { DEPLOYMENT_STATUSES_QUERY, deploymentsQuery, ENVIRONMENTS_QUERY } from "./deployments";
import {
  PULL_REQUEST_COMMITS_QUERY,
  PULL_REQUEST_REVIEWS_QUERY,
  PULL_REQUEST_TIMELINE_QUERY,
  PULL_REQUESTS_QUERY,
} from "./pull-requests";
import { RELEASES_QUERY, TAGS_QUERY } from "./tags";

export * from "./ci";
export * from "./commits";
export * from "./cost";
export * from "./deployments";
export * from "./pull-requests";
export * from "./tags";

export interface QueryDocumentEntry {
  name: string;
  document: string;
  /** The page size the sync passes, for costing the document. */
  variables: Record<string, unknown>;
}

/**
 * Every document shape the sync can send: the fixed ones, and each builder at its smallest,
 * a middle and its largest batch (a builder only repeats one aliased field).
 */
export function allQueryDocuments(): QueryDocumentEntry[] {
  const sizes = (max: number, withZero: boolean) => [
    ...new Set([...(withZero ? [0] : []), 1, 2, Math.ceil(max / 2), max]),
  ];
  const built = (name: string, max: number, build: (n: number) => string, variables = {}, withZero = false) =>
    sizes(max, withZero).map((n) => ({ name: `${name}(${n})`, document: build(n), variables }));
  return [
    { name: "CommitHistory", document: COMMIT_HISTORY_QUERY, variables: { first: HISTORY_PAGE } },
    { name: "PullRequests", document: PULL_REQUESTS_QUERY, variables: { first: PULL_REQUEST_PAGE } },
    { name: "PullRequestCommits", document: PULL_REQUEST_COMMITS_QUERY, variables: {} },
    { name: "PullRequestReviews", document: PULL_REQUEST_REVIEWS_QUERY, variables: {} },
    { name: "PullRequestTimeline", document: PULL_REQUEST_TIMELINE_QUERY, variables: {} },
    { name: "DeploymentStatuses", document: DEPLOYMENT_STATUSES_QUERY, variables: {} },
    { name: "Environments", document: ENVIRONMENTS_QUERY, variables: {} },
    { name: "Tags", document: TAGS_QUERY, variables: { first: TAG_PAGE } },
    { name: "Releases", document: RELEASES_QUERY, variables: { first: RELEASE_PAGE } },
    { name: "AllDeploymentReviews", document: ALL_DEPLOYMENT_REVIEWS_QUERY, variables: {} },
    ...built("BranchHeads", HEADS_BATCH, branchHeadsQuery, {}, true),
    ...built("CommitObjects", COMMIT_OBJECTS_BATCH, commitObjectsQuery),
    ...built("CommitSuites", COMMIT_SUITES_BATCH, commitSuitesQuery),
    ...built("CheckRuns", CHECK_RUNS_BATCH, checkRunsQuery),
    ...built("DeploymentReviews", DEPLOYMENT_REVIEWS_BATCH, deploymentReviewsQuery),
    ...built("Deployments", DEPLOYMENT_REFRESH_BATCH, deploymentsQuery, { first: DEPLOYMENT_PAGE }, true),
  ];
}
