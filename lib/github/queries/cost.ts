// GitHub charges round(requests / 100) points, at least 1, where `requests` is the number of
// connections a query may have to fill: one per connection, times the page sizes of the
// connections around it. A query of up to 149 requests therefore costs one point, and the
// page and batch sizes below are the largest that keep each document at 149 or fewer.
// queries.test.ts checks every document against the published formula.

export const MAX_ONE_POINT_REQUESTS = 149;

/** history(first: 74) { parents, checkSuites }: 1 + 74 + 74. */
export const HISTORY_PAGE = 74;
/** object(oid:) { parents, checkSuites } per alias: 2 each. */
export const COMMIT_OBJECTS_BATCH = 74;
/** object(oid:) { checkSuites } per alias: 1 each. */
export const COMMIT_SUITES_BATCH = 149;
/** node(id:) { ... on CheckSuite { checkRuns } } per alias: 1 each. */
export const CHECK_RUNS_BATCH = 149;
/** node(id:) { ... on WorkflowRun { deploymentReviews(first: 5) { environments } } }: 1 + 5 each. */
export const DEPLOYMENT_REVIEWS_BATCH = 24;
export const DEPLOYMENT_REVIEWS_PER_RUN = 5;
/** pullRequests(first: 49) { commits, reviews, timelineItems }: 1 + 3 × 49. */
export const PULL_REQUEST_PAGE = 49;
/** deployments(first: 100) { statuses }: 1 + 100; each refreshed deployment alias adds 1. */
export const DEPLOYMENT_PAGE = 100;
export const DEPLOYMENT_REFRESH_BATCH = 48;
export const TAG_PAGE = 100;
export const RELEASE_PAGE = 100;
/** environments(first: 10) { protectionRules(first: 10) { reviewers } }: 1 + 10 + 100. */
export const ENVIRONMENT_PAGE = 10;
export const HEADS_BATCH = 50;
