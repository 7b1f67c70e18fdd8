import { DEPLOYMENT_REFRESH_BATCH, ENVIRONMENT_PAGE } from "./cost";
import {
  assertBatch,
  DEPLOYMENT_FIELDS,
  DEPLOYMENT_STATUS_FIELDS,
  RATE_LIMIT,
  variableList,
  withFragments,
} from "./fragments";

/**
 * Newest deployments first (CREATED_AT is the only order GitHub offers), plus deployments read
 * before whose outcome can still change, refreshed by node id in the same request.
 */
export function deploymentsQuery(refresh: number): string {
  if (refresh !== 0) assertBatch(refresh, DEPLOYMENT_REFRESH_BATCH, "Deployments");
  const vars = refresh ? `, ${variableList("r", "ID!", refresh)}` : "";
  const aliases = Array.from(
    { length: refresh },
    (_, i) => `r${i}: node(id: $r${i}) { ... on Deployment { ...DeploymentFields } }`,
  ).join("\n  ");
  return withFragments(
    `query Deployments($owner: String!, $name: String!, $first: Int!, $after: String${vars}) {
  ${RATE_LIMIT}
  repository(owner: $owner, name: $name) {
    deployments(first: $first, after: $after, orderBy: { field: CREATED_AT, direction: DESC }) {
      pageInfo { hasNextPage endCursor }
      nodes { ...DeploymentFields }
    }
  }
  ${aliases}
}`,
    DEPLOYMENT_FIELDS,
    DEPLOYMENT_STATUS_FIELDS,
  );
}

export const DEPLOYMENT_STATUSES_QUERY = withFragments(
  `query DeploymentStatuses($id: ID!, $after: String) {
  ${RATE_LIMIT}
  node(id: $id) {
    ... on Deployment {
      databaseId
      statuses(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { ...DeploymentStatusFields } }
    }
  }
}`,
  DEPLOYMENT_STATUS_FIELDS,
);

export const ENVIRONMENTS_QUERY = `query Environments($owner: String!, $name: String!, $after: String) {
  ${RATE_LIMIT}
  repository(owner: $owner, name: $name) {
    environments(first: ${ENVIRONMENT_PAGE}, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes {
        databaseId name
        protectionRules(first: 10) {
          nodes {
            databaseId type timeout preventSelfReview
            reviewers(first: 10) { nodes { __typename ... on User { login } ... on Team { slug } } }
          }
        }
      }
    }
  }
}`;
