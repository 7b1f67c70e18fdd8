import type { SyncResource } from "../../store/github-sync-state";
import type { GraphqlErrorEntry } from "../client";

/** Repository permissions (as a fine-grained token names them) that the sync's reads need. */
export type Permission = "contents" | "checks" | "deployments" | "actions" | "pull_requests" | "environments";

const LABEL: Record<Permission, { name: string; what: string }> = {
  contents: { name: "Contents", what: "commits, tags and releases" },
  checks: { name: "Checks", what: "check suites and check runs" },
  deployments: { name: "Deployments", what: "deployments and their statuses" },
  actions: { name: "Actions", what: "workflow runs and deployment reviews" },
  pull_requests: { name: "Pull requests", what: "pull requests and reviews" },
  environments: { name: "Environments", what: "environments and protection rules" },
};

/** The permission behind a denied field, by the field's name (the last name in the error's path). */
const FIELD_PERMISSION: Record<string, Permission> = {
  checkSuites: "checks",
  checkRuns: "checks",
  statusCheckRollup: "checks",
  deployments: "deployments",
  deployment: "deployments",
  latestCompletedDeployment: "deployments",
  statuses: "deployments",
  workflowRun: "actions",
  deploymentReviews: "actions",
  pullRequests: "pull_requests",
  pullRequest: "pull_requests",
  associatedPullRequests: "pull_requests",
  environments: "environments",
  environment: "environments",
  protectionRules: "environments",
};

/** What a resource's own query reads, for a denied field the path does not name (a `node(id:)`). */
const RESOURCE_PERMISSION: Record<SyncResource, Permission> = {
  environments: "environments",
  deployments: "deployments",
  pull_requests: "pull_requests",
  tags: "contents",
  releases: "contents",
  commits: "contents",
  commit_objects: "contents",
  check_suites: "checks",
  check_runs: "checks",
  deployment_reviews: "actions",
};

export function permissionOf(error: GraphqlErrorEntry, resource: SyncResource): Permission {
  const names = (error.path ?? []).filter((p): p is string => typeof p === "string" && !/^[a-z]\d+$/.test(p));
  const field = names[names.length - 1];
  return (field && FIELD_PERMISSION[field]) || RESOURCE_PERMISSION[resource];
}

export interface SyncWarning {
  repo: string;
  permission: Permission;
  /** One line for a person: what was not read and which permission to grant. */
  message: string;
}

export function deniedWarning(repo: string, permission: Permission): SyncWarning {
  const { name, what } = LABEL[permission];
  return {
    repo,
    permission,
    message: `${repo}: ${what} not read: the token may not read ${name} (grant "${name}: read" to a fine-grained token; a classic token needs the repo scope)`,
  };
}
