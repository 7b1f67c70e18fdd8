import { CHECK_RUNS_BATCH, DEPLOYMENT_REVIEWS_BATCH, DEPLOYMENT_REVIEWS_PER_RUN } from "./cost";
import {
  assertBatch,
  CHECK_RUN_FIELDS,
  RATE_LIMIT,
  SUITE_FIELDS,
  variableList,
  withFragments,
} from "./fragments";

/** Check suites by node id with their check runs (and their own fields, refreshed). */
export function checkRunsQuery(n: number): string {
  assertBatch(n, CHECK_RUNS_BATCH, "CheckRuns");
  const aliases = Array.from(
    { length: n },
    (_, i) =>
      `s${i}: node(id: $s${i}) { ... on CheckSuite { ...SuiteFields checkRuns(first: 100, after: $a${i}) { pageInfo { hasNextPage endCursor } nodes { ...CheckRunFields } } } }`,
  ).join("\n  ");
  return withFragments(
    `query CheckRuns(${variableList("s", "ID!", n)}, ${variableList("a", "String", n)}) {
  ${RATE_LIMIT}
  ${aliases}
}`,
    SUITE_FIELDS,
    CHECK_RUN_FIELDS,
  );
}

const REVIEW_NODE = `databaseId state comment user { login } environments(first: 25) { nodes { name } }`;

/** Deployment reviews of workflow runs that deployed to a protected environment. */
export function deploymentReviewsQuery(n: number): string {
  assertBatch(n, DEPLOYMENT_REVIEWS_BATCH, "DeploymentReviews");
  const aliases = Array.from(
    { length: n },
    (_, i) =>
      `w${i}: node(id: $w${i}) { ... on WorkflowRun { databaseId deploymentReviews(first: ${DEPLOYMENT_REVIEWS_PER_RUN}) { totalCount nodes { ${REVIEW_NODE} } } } }`,
  ).join("\n  ");
  return `query DeploymentReviews(${variableList("w", "ID!", n)}) {
  ${RATE_LIMIT}
  ${aliases}
}`;
}

/** The rare run with more reviews than a batch asks for. */
export const ALL_DEPLOYMENT_REVIEWS_QUERY = `query AllDeploymentReviews($id: ID!) {
  ${RATE_LIMIT}
  node(id: $id) {
    ... on WorkflowRun { databaseId deploymentReviews(first: 100) { totalCount nodes { ${REVIEW_NODE} } } }
  }
}`;
