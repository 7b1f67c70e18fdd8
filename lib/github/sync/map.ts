// GraphQL answers → the rows lib/store writes.

import { AppError } from "../../errors";
import type { GithubCheckRunRow } from "../../store/github-ci";
import type { GithubCheckSuiteRow, GithubCommitRow } from "../../store/github-commits";
import type { GithubDeploymentRow, GithubEnvironmentRow } from "../../store/github-deployments";
import type { GithubPullRequestRow } from "../../store/github-pull-requests";
import type { GithubReleaseRow, GithubTagRow } from "../../store/github-tags";
import type {
  GqlCheckRun,
  GqlCheckSuite,
  GqlCommit,
  GqlDeployment,
  GqlDeploymentStatus,
  GqlEnvironment,
  GqlPullRequest,
  GqlRelease,
  GqlReview,
  GqlTagRef,
  GqlTagTarget,
  GqlTimelineItem,
} from "../types";

const id = (value: string | number | null | undefined): number | null =>
  value === null || value === undefined ? null : Number(value);

export function commitRow(c: GqlCommit): GithubCommitRow {
  if (c.parents.totalCount > c.parents.nodes.length) {
    throw new AppError(
      "UPSTREAM",
      `commit ${c.oid} has ${c.parents.totalCount} parents; at most 100 are supported`,
    );
  }
  const s = c.signature;
  return {
    sha: c.oid,
    parentShas: c.parents.nodes.map((p) => p.oid),
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
          keyId: s.keyId ?? null,
          keyFingerprint: s.keyFingerprint ?? null,
        }
      : null,
  };
}

export function suiteRow(s: GqlCheckSuite): GithubCheckSuiteRow | null {
  if (s.databaseId === null) return null;
  const w = s.workflowRun;
  return {
    databaseId: s.databaseId,
    nodeId: s.id,
    commitSha: s.commit.oid,
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

export function checkRunRow(suiteId: number, r: GqlCheckRun): GithubCheckRunRow | null {
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

function reviewRow(r: GqlReview) {
  return {
    databaseId: Number(r.fullDatabaseId),
    authorLogin: r.author?.login ?? null,
    authorType: r.author?.__typename ?? null,
    authorAssociation: r.authorAssociation,
    authorCanPush: r.authorCanPushToRepository,
    state: r.state,
    submittedAt: r.submittedAt,
    createdAt: r.createdAt,
    commitSha: r.commit?.oid ?? null,
  };
}

/** A PR with all of its connections already read to the end. */
export function pullRequestRow(
  p: GqlPullRequest,
  all: { commits: string[]; reviews: GqlReview[]; timeline: GqlTimelineItem[] },
): GithubPullRequestRow {
  const dismissals: GithubPullRequestRow["dismissals"] = [];
  const events: GithubPullRequestRow["events"] = [];
  for (const item of all.timeline) {
    if (item.__typename === "ReviewDismissedEvent" && "previousReviewState" in item) {
      dismissals.push({
        databaseId: id(item.databaseId),
        reviewDatabaseId: id(item.review?.fullDatabaseId),
        actorLogin: item.actor?.login ?? null,
        createdAt: item.createdAt,
        previousReviewState: item.previousReviewState,
        message: item.dismissalMessage,
        pullRequestCommitSha: item.pullRequestCommit?.commit.oid ?? null,
      });
    } else if (item.__typename === "MergedEvent" && "mergeRefName" in item) {
      events.push({
        kind: "MERGED",
        createdAt: item.createdAt,
        actorLogin: item.actor?.login ?? null,
        commitSha: item.commit?.oid ?? null,
        beforeSha: null,
        afterSha: null,
        refName: item.mergeRefName,
      });
    } else if (item.__typename === "HeadRefForcePushedEvent" && "beforeCommit" in item) {
      events.push({
        kind: "HEAD_REF_FORCE_PUSHED",
        createdAt: item.createdAt,
        actorLogin: item.actor?.login ?? null,
        commitSha: null,
        beforeSha: item.beforeCommit?.oid ?? null,
        afterSha: item.afterCommit?.oid ?? null,
        refName: null,
      });
    }
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
    mergeCommitSha: p.mergeCommit?.oid ?? null,
    baseRefName: p.baseRefName,
    baseRefOid: p.baseRefOid,
    headRefName: p.headRefName,
    headRefOid: p.headRefOid,
    isCrossRepository: p.isCrossRepository,
    reviewDecision: p.reviewDecision,
    commits: all.commits,
    reviews: all.reviews.filter((r) => r.fullDatabaseId !== null).map(reviewRow),
    dismissals,
    events,
  };
}

/** Statuses oldest first; GitHub lists them newest first, and equal times keep that order reversed. */
export function deploymentRow(d: GqlDeployment, statuses: GqlDeploymentStatus[]): GithubDeploymentRow | null {
  if (d.databaseId === null) return null;
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
    sha: d.commitOid,
    refName: d.ref?.name ?? null,
    creatorLogin: d.creator?.login ?? null,
    creatorType: d.creator?.__typename ?? null,
    statuses: ordered.map((s) => ({
      state: s.state,
      description: s.description,
      environment: s.environment,
      environmentUrl: s.environmentUrl,
      logUrl: s.logUrl,
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
      creatorLogin: s.creator?.login ?? null,
    })),
  };
}

export function environmentRow(e: GqlEnvironment): GithubEnvironmentRow {
  return {
    name: e.name,
    databaseId: e.databaseId,
    rules: e.protectionRules.nodes.map((r) => ({
      databaseId: r.databaseId,
      type: r.type,
      timeout: r.timeout,
      preventSelfReview: r.preventSelfReview,
      reviewers: r.reviewers.nodes.map((v) =>
        v.__typename === "Team" ? `Team:${v.slug}` : `User:${v.login}`,
      ),
    })),
  };
}

/** Follows a tag ref to its commit; null for a tag of a tree or blob (or nested deeper than the query reads). */
export function tagRow(ref: GqlTagRef): GithubTagRow | null {
  const top = ref.target;
  if (!top) return null;
  let t: GqlTagTarget | undefined = top;
  while (t?.__typename === "Tag") t = t.target;
  if (t?.__typename !== "Commit") return null;
  const annotated = top.__typename === "Tag";
  return {
    name: ref.name,
    targetOid: top.oid,
    commitSha: t.oid,
    annotated,
    taggerName: annotated ? (top.tagger?.name ?? null) : null,
    taggerEmail: annotated ? (top.tagger?.email ?? null) : null,
    taggerLogin: annotated ? (top.tagger?.user?.login ?? null) : null,
    taggedAt: annotated ? (top.tagger?.date ?? null) : null,
    message: annotated ? (top.message ?? null) : null,
    commitDate: t.committedDate ?? null,
  };
}

export function releaseRow(r: GqlRelease): GithubReleaseRow {
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
    tagCommitSha: r.tagCommit?.oid ?? null,
  };
}
