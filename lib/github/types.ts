// Shapes of the GraphQL answers, exactly as the documents in queries/ select them.

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Login {
  login: string;
}

export interface TypedLogin {
  __typename: string;
  login: string;
}

export interface GqlGitActor {
  name: string | null;
  email: string | null;
  user: Login | null;
}

export interface GqlSignature {
  __typename: string;
  isValid: boolean;
  state: string;
  wasSignedByGitHub: boolean;
  email: string;
  verifiedAt: string | null;
  signer: Login | null;
  keyId?: string | null;
  keyFingerprint?: string | null;
}

export interface GqlWorkflowRun {
  id: string;
  databaseId: number | null;
  runNumber: number;
  event: string;
  createdAt: string;
  updatedAt: string;
  url: string;
  file: { path: string } | null;
  workflow: { databaseId: number | null; name: string };
}

export interface GqlCheckSuite {
  id: string;
  databaseId: number | null;
  status: string;
  conclusion: string | null;
  createdAt: string;
  updatedAt: string;
  url: string;
  app: { slug: string; name: string } | null;
  branch: { name: string } | null;
  creator: Login | null;
  commit: { oid: string };
  workflowRun: GqlWorkflowRun | null;
}

export interface GqlCommit {
  oid: string;
  message: string;
  committedDate: string;
  authoredDate: string;
  committedViaWeb: boolean;
  author: GqlGitActor | null;
  committer: GqlGitActor | null;
  parents: { totalCount: number; nodes: { oid: string }[] };
  signature: GqlSignature | null;
  checkSuites: { pageInfo: PageInfo; nodes: GqlCheckSuite[] } | null;
}

export interface GqlCheckRun {
  databaseId: number | null;
  name: string;
  status: string;
  conclusion: string | null;
  startedAt: string | null;
  completedAt: string | null;
  detailsUrl: string | null;
  deployment: { databaseId: number | null } | null;
}

export interface GqlReview {
  fullDatabaseId: string | null;
  authorAssociation: string;
  authorCanPushToRepository: boolean;
  state: string;
  submittedAt: string | null;
  createdAt: string;
  author: TypedLogin | null;
  commit: { oid: string } | null;
}

export type GqlTimelineItem =
  | {
      __typename: "ReviewDismissedEvent";
      databaseId: number | null;
      createdAt: string;
      previousReviewState: string;
      dismissalMessage: string | null;
      actor: Login | null;
      review: { fullDatabaseId: string | null } | null;
      pullRequestCommit: { commit: { oid: string } } | null;
    }
  | {
      __typename: "MergedEvent";
      createdAt: string;
      mergeRefName: string;
      actor: Login | null;
      commit: { oid: string } | null;
    }
  | {
      __typename: "HeadRefForcePushedEvent";
      createdAt: string;
      actor: Login | null;
      beforeCommit: { oid: string } | null;
      afterCommit: { oid: string } | null;
    }
  | { __typename: string };

export interface Connection<T> {
  pageInfo: PageInfo;
  nodes: T[];
}

export interface GqlPullRequest {
  number: number;
  title: string;
  url: string;
  fullDatabaseId: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  state: string;
  isDraft: boolean;
  authorAssociation: string;
  baseRefName: string;
  baseRefOid: string;
  headRefName: string;
  headRefOid: string;
  isCrossRepository: boolean;
  reviewDecision: string | null;
  author: TypedLogin | null;
  mergedBy: Login | null;
  mergeCommit: { oid: string } | null;
  commits: Connection<{ commit: { oid: string } }>;
  reviews: Connection<GqlReview>;
  timelineItems: Connection<GqlTimelineItem>;
}

export interface GqlDeploymentStatus {
  state: string;
  description: string | null;
  environment: string | null;
  environmentUrl: string | null;
  logUrl: string | null;
  createdAt: string;
  updatedAt: string | null;
  creator: Login | null;
}

export interface GqlDeployment {
  id: string;
  databaseId: number | null;
  environment: string | null;
  originalEnvironment: string | null;
  latestEnvironment: string | null;
  state: string | null;
  task: string | null;
  description: string | null;
  payload: string | null;
  createdAt: string;
  updatedAt: string;
  commitOid: string;
  ref: { name: string } | null;
  creator: TypedLogin | null;
  statuses: Connection<GqlDeploymentStatus> | null;
}

export interface GqlEnvironment {
  databaseId: number | null;
  name: string;
  protectionRules: {
    nodes: {
      databaseId: number | null;
      type: string;
      timeout: number;
      preventSelfReview: boolean | null;
      reviewers: { nodes: ({ __typename: "User"; login: string } | { __typename: "Team"; slug: string })[] };
    }[];
  };
}

export interface GqlTagTarget {
  __typename: string;
  oid: string;
  committedDate?: string;
  message?: string | null;
  tagger?: { name: string | null; email: string | null; date: string | null; user: Login | null } | null;
  target?: GqlTagTarget;
}

export interface GqlTagRef {
  name: string;
  target: GqlTagTarget | null;
}

export interface GqlRelease {
  databaseId: number | null;
  tagName: string;
  name: string | null;
  createdAt: string;
  publishedAt: string | null;
  updatedAt: string;
  isPrerelease: boolean;
  isDraft: boolean;
  isLatest: boolean;
  url: string;
  author: Login | null;
  tagCommit: { oid: string } | null;
}

export interface GqlDeploymentReview {
  databaseId: number | null;
  state: string;
  comment: string;
  user: Login | null;
  environments: { nodes: { name: string }[] };
}
