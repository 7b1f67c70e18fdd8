// GraphQL answers → the rows lib/store writes. The answer types are generated from GitHub's
// schema, so every field the schema lets be null is handled here: a missing object becomes a
// NULL column or no row, never a crash, and an answer that cannot be stored as it is (a commit
// whose parent list is incomplete, a SHA that is not one) yields no row rather than a bad one.

import type { GithubCheckRunRow } from "../../store/github-ci";
import type { GithubCheckSuiteRow, GithubCommitRow } from "../../store/github-commits";
import type { GithubDeploymentRow, GithubEnvironmentRow } from "../../store/github-deployments";
import type { GithubPullRequestRow } from "../../store/github-pull-requests";
import type { GithubReleaseRow, GithubTagRow } from "../../store/github-tags";
import type {
  CheckRunFieldsFragment,
  CommitFieldsFragment,
  DeploymentFieldsFragment,
  DeploymentReviewFieldsFragment,
  DeploymentStatusFieldsFragment,
  EnvironmentsQuery,
  PullRequestFieldsFragment,
  ReleasesQuery,
  ReviewFieldsFragment,
  SuiteFieldsFragment,
  TagsQuery,
  TimelineFieldsFragment,
} from "../queries";
import { nodesOf } from "./context";

type NonNull<T> = Exclude<T, null | undefined>;
type ElementOf<T> = T extends ReadonlyArray<infer E> ? NonNull<E> : never;
export type EnvironmentNode = ElementOf<
  NonNull<NonNull<EnvironmentsQuery["repository"]>["environments"]["nodes"]>
>;
export type TagRefNode = ElementOf<NonNull<NonNull<NonNull<TagsQuery["repository"]>["refs"]>["nodes"]>>;
export type ReleaseNode = ElementOf<NonNull<NonNull<ReleasesQuery["repository"]>["releases"]["nodes"]>>;

// SHA-1 object ids: what GitHub serves and what the store (VARCHAR(40)) holds.
const SHA = /^[0-9a-f]{40}$/;

/** A Git object id as Lineage stores it, or null: `Deployment.commitOid` is a plain String. */
export function shaOrNull(value: string | null | undefined): string | null {
  const v = value?.toLowerCase();
  return v && SHA.test(v) ? v : null;
}

const id = (value: string | number | null | undefined): number | null => {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
};

/**
 * A commit as staged, or null when its parents are not all known (a null parent node, or more
 * parents than the page carried): placing it in the graph without them would be wrong.
 */
export function commitRow(c: CommitFieldsFragment): GithubCommitRow | null {
  const sha = shaOrNull(c.oid);
  const parentNodes = c.parents.nodes ?? [];
  const parents = parentNodes.map((p) => shaOrNull(p?.oid));
  if (!sha || parents.some((p) => p === null) || c.parents.totalCount !== parents.length) return null;
  const s = c.signature;
  return {
    sha,
    parentShas: parents as string[],
    message: c.message,
    authorName: c.author?.name ?? null,
    authorEmail: c.author?.email ?? null,
    authorLogin: c.author?.user?.login ?? null,
    authoredAt: c.authoredDate,
    committerName: c.committer?.name ?? null,
    committerEmail: c.committer?.email ?? null,
    committerLogin: c.committer?.user?.login ?? null,
    committedAt: c.committedDate,
    committedViaWeb: c.committedViaWeb,
    signature: s
      ? {
          kind: s.__typename,
          state: s.state,
          isValid: s.isValid,
          wasSignedByGitHub: s.wasSignedByGitHub,
          email: s.email,
          signerLogin: s.signer?.login ?? null,
          verifiedAt: s.verifiedAt,
          keyId: s.__typename === "GpgSignature" ? s.keyId : null,
          keyFingerprint: s.__typename === "SshSignature" ? s.keyFingerprint : null,
        }
      : null,
  };
}

export function suiteRow(s: SuiteFieldsFragment): GithubCheckSuiteRow | null {
  const commitSha = shaOrNull(s.commit.oid);
  if (s.databaseId === null || !commitSha) return null;
  const w = s.workflowRun;
  return {
    databaseId: s.databaseId,
    nodeId: s.id,
    commitSha,
    appSlug: s.app?.slug ?? null,
    appName: s.app?.name ?? null,
    branch: s.branch?.name ?? null,
    status: s.status,
    conclusion: s.conclusion,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    creatorLogin: s.creator?.login ?? null,
    url: s.url,
    workflowRun:
      w && w.databaseId !== null
        ? {
            databaseId: w.databaseId,
            nodeId: w.id,
            workflowDatabaseId: w.workflow.databaseId,
            workflowName: w.workflow.name,
            workflowPath: w.file?.path ?? null,
            runNumber: w.runNumber,
            event: w.event,
            createdAt: w.createdAt,
            updatedAt: w.updatedAt,
            url: w.url,
          }
        : null,
  };
}

export function checkRunRow(suiteId: number, r: CheckRunFieldsFragment): GithubCheckRunRow | null {
  if (r.databaseId === null) return null;
  return {
    databaseId: r.databaseId,
    checkSuiteId: suiteId,
    name: r.name,
    status: r.status,
    conclusion: r.conclusion,
    startedAt: r.startedAt,
    completedAt: r.completedAt,
    detailsUrl: r.detailsUrl,
    deploymentDatabaseId: r.deployment?.databaseId ?? null,
  };
}

function reviewRow(r: ReviewFieldsFragment, databaseId: number) {
  return {
    databaseId,
    authorLogin: r.author?.login ?? null,
    authorType: r.author?.__typename ?? null,
    authorAssociation: r.authorAssociation,
    authorCanPush: r.authorCanPushToRepository,
    state: r.state,
    submittedAt: r.submittedAt,
    createdAt: r.createdAt,
    commitSha: shaOrNull(r.commit?.oid),
  };
}

/** A PR with all of its connections already read to the end. */
export function pullRequestRow(
  p: PullRequestFieldsFragment,
  all: { commits: string[]; reviews: ReviewFieldsFragment[]; timeline: TimelineFieldsFragment[] },
): GithubPullRequestRow {
  const dismissals: GithubPullRequestRow["dismissals"] = [];
  const events: GithubPullRequestRow["events"] = [];
  for (const item of all.timeline) {
    if (item.__typename === "ReviewDismissedEvent") {
      dismissals.push({
        databaseId: id(item.databaseId),
        reviewDatabaseId: id(item.review?.fullDatabaseId),
        actorLogin: item.actor?.login ?? null,
        createdAt: item.createdAt,
        previousReviewState: item.previousReviewState,
        message: item.dismissalMessage,
        pullRequestCommitSha: shaOrNull(item.pullRequestCommit?.commit.oid),
      });
    } else if (item.__typename === "MergedEvent") {
      events.push({
        kind: "MERGED",
        createdAt: item.createdAt,
        actorLogin: item.actor?.login ?? null,
        commitSha: shaOrNull(item.commit?.oid),
        beforeSha: null,
        afterSha: null,
        refName: item.mergeRefName,
      });
    } else if (item.__typename === "HeadRefForcePushedEvent") {
      events.push({
        kind: "HEAD_REF_FORCE_PUSHED",
        createdAt: item.createdAt,
        actorLogin: item.actor?.login ?? null,
        commitSha: null,
        beforeSha: shaOrNull(item.beforeCommit?.oid),
        afterSha: shaOrNull(item.afterCommit?.oid),
        refName: null,
      });
    }
  }
  const reviews = new Map<number, ReturnType<typeof reviewRow>>();
  for (const r of all.reviews) {
    const databaseId = id(r.fullDatabaseId);
    if (databaseId !== null) reviews.set(databaseId, reviewRow(r, databaseId));
  }
  return {
    number: p.number,
    databaseId: id(p.fullDatabaseId),
    title: p.title,
    url: p.url,
    authorLogin: p.author?.login ?? null,
    authorType: p.author?.__typename ?? null,
    authorAssociation: p.authorAssociation,
    state: p.state,
    isDraft: p.isDraft,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    closedAt: p.closedAt,
    mergedAt: p.mergedAt,
    mergedByLogin: p.mergedBy?.login ?? null,
    mergeCommitSha: shaOrNull(p.mergeCommit?.oid),
    baseRefName: p.baseRefName,
    baseRefOid: p.baseRefOid,
    headRefName: p.headRefName,
    headRefOid: p.headRefOid,
    isCrossRepository: p.isCrossRepository,
    reviewDecision: p.reviewDecision,
    commits: [...new Set(all.commits.flatMap((c) => shaOrNull(c) ?? []))],
    reviews: [...reviews.values()],
    dismissals,
    events,
  };
}

/** Statuses oldest first; GitHub lists them newest first, and equal times keep that order reversed. */
export function deploymentRow(
  d: DeploymentFieldsFragment,
  statuses: DeploymentStatusFieldsFragment[],
): GithubDeploymentRow | null {
  // commitOid is a plain String: a deployment of no recognisable commit cannot be an event.
  const sha = shaOrNull(d.commitOid);
  if (d.databaseId === null || !sha) return null;
  const ordered = [...statuses].reverse().sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  return {
    databaseId: d.databaseId,
    nodeId: d.id,
    environment: d.environment,
    originalEnvironment: d.originalEnvironment,
    latestEnvironment: d.latestEnvironment,
    state: d.state,
    task: d.task,
    description: d.description,
    payload: d.payload,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    sha,
    refName: d.ref?.name ?? null,
    creatorLogin: d.creator.login,
    creatorType: d.creator.__typename,
    statuses: ordered.map((s) => ({
      state: s.state,
      description: s.description,
      environment: s.environment,
      environmentUrl: s.environmentUrl,
      logUrl: s.logUrl,
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
      creatorLogin: s.creator.login,
    })),
  };
}

export function environmentRow(e: EnvironmentNode): GithubEnvironmentRow {
  return {
    name: e.name,
    databaseId: e.databaseId,
    rules: nodesOf(e.protectionRules).map((r) => ({
      databaseId: r.databaseId,
      type: r.type,
      timeout: r.timeout,
      preventSelfReview: r.preventSelfReview,
      reviewers: nodesOf(r.reviewers).flatMap((v) =>
        v.__typename === "Team" ? [`Team:${v.slug}`] : v.__typename === "User" ? [`User:${v.login}`] : [],
      ),
    })),
  };
}

type TagTarget = NonNull<TagRefNode["target"]>;

/** Follows a tag ref to its commit; null for a tag of a tree or blob (or nested deeper than the query reads). */
export function tagRow(ref: TagRefNode): GithubTagRow | null {
  const top = ref.target;
  if (!top) return null;
  // Each level of the query reads one more nested tag; the innermost level has no `target`.
  let t: { __typename: string; oid: string; committedDate?: string; target?: unknown } = top;
  while (t.__typename === "Tag" && t.target) t = t.target as typeof t;
  const commitSha = shaOrNull(t.oid);
  const targetOid = shaOrNull(top.oid);
  if (t.__typename !== "Commit" || !commitSha || !targetOid) return null;
  const annotated = top.__typename === "Tag";
  const tag = annotated ? (top as Extract<TagTarget, { __typename: "Tag" }>) : null;
  return {
    name: ref.name,
    targetOid,
    commitSha,
    annotated,
    taggerName: tag?.tagger?.name ?? null,
    taggerEmail: tag?.tagger?.email ?? null,
    taggerLogin: tag?.tagger?.user?.login ?? null,
    taggedAt: tag?.tagger?.date ?? null,
    message: tag?.message ?? null,
    commitDate: t.committedDate ?? null,
  };
}

export function releaseRow(r: ReleaseNode): GithubReleaseRow {
  return {
    tagName: r.tagName,
    databaseId: r.databaseId,
    name: r.name,
    createdAt: r.createdAt,
    publishedAt: r.publishedAt,
    updatedAt: r.updatedAt,
    isPrerelease: r.isPrerelease,
    isDraft: r.isDraft,
    isLatest: r.isLatest,
    url: r.url,
    authorLogin: r.author?.login ?? null,
    tagCommitSha: shaOrNull(r.tagCommit?.oid),
  };
}

export function deploymentReviewNodes(r: DeploymentReviewFieldsFragment) {
  return {
    databaseId: r.databaseId,
    state: r.state,
    comment: r.comment,
    userLogin: r.user.login,
    environments: nodesOf(r.environments).map((e) => e.name),
  };
}
