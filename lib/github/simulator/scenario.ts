import {
  HOSTILE_BRANCHES,
  HOSTILE_DISPLAY_NAMES,
  HOSTILE_LOGINS,
  HOSTILE_MESSAGES,
  HOSTILE_TAGS,
} from "../../git/testing/hostile-strings.ts";
import { hash32, Rng, sha1Hex } from "./prng.ts";

// ---------------------------------------------------------------------------------------------
// Ground-truth data model. Everything here is plain JSON (no Maps, classes or undefined) so tests
// can snapshot it and compare what the sync engine stored against it field by field.
// ---------------------------------------------------------------------------------------------

export type SizeName = "small" | "medium" | "large";

export interface ScenarioCounts {
  repos: number;
  /** Targets are totals across all repositories; generation stops once every target is reached. */
  commits: number;
  pullRequests: number;
  deployments: number;
}

export const SIZE_PRESETS: Record<SizeName, ScenarioCounts> = {
  small: { repos: 3, commits: 180, pullRequests: 36, deployments: 45 },
  medium: { repos: 3, commits: 1500, pullRequests: 300, deployments: 240 },
  large: { repos: 4, commits: 20000, pullRequests: 4000, deployments: 3000 },
};

export type GitSignatureState =
  | "VALID"
  | "INVALID"
  | "MALFORMED_SIG"
  | "UNKNOWN_KEY"
  | "BAD_EMAIL"
  | "UNVERIFIED_EMAIL"
  | "NO_USER"
  | "UNKNOWN_SIG_TYPE"
  | "UNSIGNED"
  | "GPGVERIFY_UNAVAILABLE"
  | "GPGVERIFY_ERROR"
  | "NOT_SIGNING_KEY"
  | "EXPIRED_KEY"
  | "OCSP_PENDING"
  | "OCSP_ERROR"
  | "BAD_CERT"
  | "OCSP_REVOKED";

export type CommentAuthorAssociation = "COLLABORATOR" | "CONTRIBUTOR" | "MEMBER" | "NONE" | "OWNER";
export type ReviewState = "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";
export type CheckStatusState = "COMPLETED" | "IN_PROGRESS" | "PENDING" | "QUEUED" | "REQUESTED" | "WAITING";
export type CheckConclusionState =
  | "ACTION_REQUIRED"
  | "CANCELLED"
  | "FAILURE"
  | "NEUTRAL"
  | "SKIPPED"
  | "STALE"
  | "STARTUP_FAILURE"
  | "SUCCESS"
  | "TIMED_OUT";
export type DeploymentStatusState =
  | "ERROR"
  | "FAILURE"
  | "INACTIVE"
  | "IN_PROGRESS"
  | "PENDING"
  | "QUEUED"
  | "SUCCESS"
  | "WAITING";
export type DeploymentState = DeploymentStatusState | "ACTIVE" | "ABANDONED" | "DESTROYED";

export interface UserRec {
  login: string;
  databaseId: number;
  name: string;
  email: string;
  type: "User" | "Bot";
  /** Write access to the repositories (drives `authorCanPushToRepository`). */
  canPush: boolean;
  association: CommentAuthorAssociation;
}

export interface TeamRec {
  slug: string;
  name: string;
  databaseId: number;
  members: string[];
}

export interface GitActorRec {
  name: string;
  email: string;
  date: string;
  /** GitHub user matched by email; null when the email belongs to no account. */
  login: string | null;
}

export interface SignatureRec {
  typename: "GpgSignature" | "SshSignature" | "SmimeSignature" | "UnknownSignature";
  state: GitSignatureState;
  isValid: boolean;
  wasSignedByGitHub: boolean;
  email: string;
  signer: string | null;
  verifiedAt: string | null;
  keyId: string | null;
  keyFingerprint: string | null;
}

export interface CommitRec {
  oid: string;
  /** Creation order inside the repository; commit dates never decrease with it. */
  seq: number;
  parents: string[];
  message: string;
  author: GitActorRec;
  committer: GitActorRec;
  committedViaWeb: boolean;
  signature: SignatureRec | null;
}

export interface ReviewRec {
  databaseId: number;
  author: string;
  state: ReviewState;
  body: string;
  createdAt: string;
  submittedAt: string;
  commit: string;
  authorAssociation: CommentAuthorAssociation;
  authorCanPushToRepository: boolean;
}

export type TimelineRec =
  | { type: "ReviewRequestedEvent"; createdAt: string; actor: string; requestedReviewer: string }
  | {
      type: "ReviewDismissedEvent";
      createdAt: string;
      actor: string;
      previousReviewState: ReviewState;
      dismissalMessage: string;
      reviewDatabaseId: number;
      pullRequestCommit: string | null;
    }
  | {
      type: "HeadRefForcePushedEvent";
      createdAt: string;
      actor: string;
      beforeCommit: string;
      afterCommit: string;
    }
  | { type: "MergedEvent"; createdAt: string; actor: string; commit: string; mergeRefName: string }
  | { type: "ClosedEvent"; createdAt: string; actor: string };

export interface PullRequestRec {
  number: number;
  databaseId: number;
  title: string;
  body: string;
  author: string;
  authorAssociation: CommentAuthorAssociation;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  state: "OPEN" | "CLOSED" | "MERGED";
  isDraft: boolean;
  mergedBy: string | null;
  mergeCommit: string | null;
  mergeMethod: "MERGE" | "SQUASH" | null;
  baseRefName: string;
  baseRefOid: string;
  headRefName: string;
  headRefOid: string;
  /** Commits of the PR in push order (what `PullRequest.commits` lists). */
  commits: string[];
  reviews: ReviewRec[];
  timeline: TimelineRec[];
  reviewDecision: "APPROVED" | "CHANGES_REQUESTED" | "REVIEW_REQUIRED" | null;
}

export interface CheckRunRec {
  databaseId: number;
  name: string;
  status: CheckStatusState;
  conclusion: CheckConclusionState | null;
  startedAt: string;
  completedAt: string | null;
}

export interface WorkflowRec {
  key: "ci" | "deploy";
  databaseId: number;
  name: string;
  path: string;
}

export interface DeploymentReviewRec {
  databaseId: number;
  state: "APPROVED" | "REJECTED";
  comment: string;
  user: string;
  environments: string[];
  createdAt: string;
}

export interface WorkflowRunRec {
  databaseId: number;
  runNumber: number;
  /** Not exposed by GraphQL (GitHub has no runAttempt there); kept as ground truth for reruns. */
  runAttempt: number;
  workflow: "ci" | "deploy";
  event: string;
  createdAt: string;
  updatedAt: string;
  deploymentReviews: DeploymentReviewRec[];
}

export interface CheckSuiteRec {
  databaseId: number;
  commit: string;
  branch: string | null;
  app: "github-actions";
  status: CheckStatusState;
  conclusion: CheckConclusionState | null;
  createdAt: string;
  updatedAt: string;
  creator: string;
  workflowRun: WorkflowRunRec | null;
  checkRuns: CheckRunRec[];
}

export interface DeploymentStatusRec {
  databaseId: number;
  state: DeploymentStatusState;
  description: string;
  environment: string;
  environmentUrl: string | null;
  logUrl: string | null;
  createdAt: string;
  updatedAt: string;
  creator: string;
}

export interface DeploymentRec {
  databaseId: number;
  environment: string;
  originalEnvironment: string;
  sha: string;
  /** Branch or tag name the deployment was made from (resolved to a Ref only while it exists). */
  ref: string | null;
  task: string;
  description: string;
  payload: string;
  createdAt: string;
  updatedAt: string;
  creator: string;
  state: DeploymentState;
  statuses: DeploymentStatusRec[];
  workflowRunId: number | null;
}

export type ReviewerRec = { type: "User"; login: string } | { type: "Team"; slug: string };

export interface ProtectionRuleRec {
  databaseId: number;
  type: "REQUIRED_REVIEWERS" | "WAIT_TIMER" | "BRANCH_POLICY";
  /** Minutes (GitHub calls the wait timer `timeout` on protection rules). */
  timeout: number;
  preventSelfReview: boolean | null;
  reviewers: ReviewerRec[];
}

export interface EnvironmentRec {
  databaseId: number;
  name: string;
  protectionRules: ProtectionRuleRec[];
}

export interface TagRec {
  name: string;
  kind: "annotated" | "lightweight";
  /** Commit the tag (finally) points at. */
  target: string;
  /** Oid of the annotated tag object; null for lightweight tags. */
  tagOid: string | null;
  message: string | null;
  tagger: GitActorRec | null;
  createdAt: string;
}

export interface TagMoveRec {
  name: string;
  from: string;
  to: string;
  fromTagOid: string | null;
  toTagOid: string | null;
  movedAt: string;
}

export interface ReleaseRec {
  databaseId: number;
  tagName: string;
  name: string;
  description: string;
  createdAt: string;
  publishedAt: string | null;
  updatedAt: string;
  isPrerelease: boolean;
  isDraft: boolean;
  author: string;
}

export type ScenarioEventKind =
  | "rollback"
  | "untested-prod-deploy"
  | "red-ci-deployed"
  | "self-approved-deploy"
  | "rejected-deploy"
  | "moved-tag"
  | "late-review"
  | "late-dismissal"
  | "self-approval-attempt"
  | "stale-approval"
  | "dismissed-review"
  | "unreviewed-merge"
  | "readonly-approval"
  | "force-push"
  | "closed-pr"
  | "direct-push"
  | "bot-pr"
  | "ci-rerun"
  | "xss-title"
  | "csv-injection-text"
  | "quoted-branch"
  | "hostile-text";

/** Index of the deliberately planted audit-relevant situations, so tests need not search for them. */
export interface ScenarioEvent {
  kind: ScenarioEventKind;
  repo: string;
  at: string;
  pr?: number;
  sha?: string;
  deployment?: number;
  tag?: string;
  note?: string;
}

type StoryKind =
  | "normal"
  | "self-attempt"
  | "self-attempt-strict"
  | "stale"
  | "dismissed"
  | "dismissed-no-reapproval"
  | "changes-requested"
  | "force-push"
  | "closed"
  | "none"
  | "readonly-only";

interface PendingFeature {
  pr: number;
  branch: string;
  story: StoryKind;
  mergeMethod: "MERGE" | "SQUASH";
}

/** Generator state, kept in the scenario so `advanceScenario` continues exactly where creation stopped. */
export interface RepoGenState {
  clock: number;
  cycle: number;
  oidCounter: number;
  ids: Record<string, number>;
  runNumbers: { ci: number; deploy: number };
  prNumber: number;
  releaseCount: number;
  mergedSinceRelease: number;
  signedCommits: number;
  pending: PendingFeature | null;
  activeDeployment: Record<string, number | null>;
  prodReleases: { sha: string; tag: string }[];
  rates: { featureCommits: number; devDeploys: number; testDeploys: number };
}

export interface RepoRec {
  owner: string;
  name: string;
  databaseId: number;
  createdAt: string;
  defaultBranch: string;
  commits: CommitRec[];
  /** Current branch heads (refs/heads/*). */
  branches: Record<string, string>;
  pullRequests: PullRequestRec[];
  checkSuites: CheckSuiteRec[];
  deployments: DeploymentRec[];
  environments: EnvironmentRec[];
  workflows: WorkflowRec[];
  tags: TagRec[];
  tagMoves: TagMoveRec[];
  releases: ReleaseRec[];
  gen: RepoGenState;
}

export interface Scenario {
  version: 1;
  seed: number;
  size: SizeName | "custom";
  counts: ScenarioCounts;
  baseTime: string;
  users: UserRec[];
  teams: TeamRec[];
  repos: RepoRec[];
  events: ScenarioEvent[];
  /** Number of `advanceScenario` calls applied so far. */
  advances: number;
  /** Cycles added by `advanceScenario` so far. */
  steps: number;
  /** The repository ("owner/name") written with HOSTILE_* strings; absent unless asked for. */
  hostileRepo?: string;
}

export interface CreateScenarioOptions {
  seed: number;
  size?: SizeName | Partial<ScenarioCounts>;
  /** Owner of every repository (default "acme"): lets a scenario sit beside other data named acme/…. */
  owner?: string;
  /**
   * The last repository gets attacker-controlled text (lib/git/testing/hostile-strings.ts): commit
   * messages, PR titles, branch and tag names, and PR authors whose login and name are markup.
   * The other repositories are exactly what they are without the option.
   */
  hostile?: boolean;
}

export interface AdvanceOptions {
  /** Extra entropy for this advance; the same scenario state and seed always give the same result. */
  seed?: number;
  steps?: number;
}

// ---------------------------------------------------------------------------------------------
// Fixed vocabulary.
// ---------------------------------------------------------------------------------------------

export const OWNER = "acme";
const REPO_NAMES = ["shop", "api", "web", "billing", "infra", "mobile", "search", "auth", "reports", "docs"];
const WEB_FLOW = "web-flow";
const DEPENDABOT = "dependabot[bot]";
const ACTIONS_BOT = "github-actions[bot]";
/** Developers who write features. `oscar` is an outside contributor with read access only. */
const DEVS = ["alice", "bob", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia"];
const RELEASE_MANAGERS = ["carol", "dave"];
const READ_ONLY = "oscar";
const ADMIN = "alice";
const GITHUB_KEY_ID = "B5690EEEBB952194";

const VERBS = [
  "Add",
  "Fix",
  "Refactor",
  "Improve",
  "Update",
  "Remove",
  "Handle",
  "Document",
  "Optimize",
  "Validate",
];
const NOUNS = [
  "checkout flow",
  "cart totals",
  "payment retries",
  "login form",
  "order export",
  "rate limiter",
  "search index",
  "price rounding",
  "session cache",
  "webhook handler",
  "invoice PDF",
  "audit log",
  "feature flags",
  "health check",
  "currency conversion",
  "inventory sync",
  "email templates",
  "retry backoff",
];
const BUMPS = ["lodash", "axios", "express", "zod", "pg", "undici", "semver", "ws"];

const XSS_TITLE = "Improve search results <img src=x onerror=alert(1)>";
const CSV_INJECTION = "=cmd|' /C calc'!A0";
const QUOTED_BRANCH = 'feature/"quoted"';

/** Extra accounts of a hostile scenario: markup in login and display name. */
function hostileUsers(first: number): UserRec[] {
  return HOSTILE_LOGINS.map((login, i) => ({
    login,
    databaseId: first + i,
    name: HOSTILE_DISPLAY_NAMES[i % HOSTILE_DISPLAY_NAMES.length] as string,
    email: `hostile-${i + 1}@acme.example`,
    type: "User" as const,
    canPush: true,
    association: "MEMBER" as const,
  }));
}

function buildUsers(): UserRec[] {
  const users: UserRec[] = [];
  const human = (login: string, association: CommentAuthorAssociation, canPush: boolean) => {
    users.push({
      login,
      databaseId: 1001 + users.length,
      name: `${login[0]?.toUpperCase()}${login.slice(1)} ${["Archer", "Baker", "Cole", "Dunn", "Ellis"][users.length % 5]}`,
      email: `${login}@acme.example`,
      type: "User",
      canPush,
      association,
    });
  };
  human(ADMIN, "OWNER", true);
  for (const login of [...DEVS.filter((d) => d !== ADMIN), ...RELEASE_MANAGERS]) human(login, "MEMBER", true);
  human(READ_ONLY, "CONTRIBUTOR", false);
  users.push({
    login: WEB_FLOW,
    databaseId: 19864447,
    name: "GitHub",
    email: "noreply@github.com",
    type: "User",
    canPush: false,
    association: "NONE",
  });
  users.push({
    login: DEPENDABOT,
    databaseId: 49699333,
    name: "dependabot[bot]",
    email: "49699333+dependabot[bot]@users.noreply.github.com",
    type: "Bot",
    canPush: true,
    association: "NONE",
  });
  users.push({
    login: ACTIONS_BOT,
    databaseId: 41898282,
    name: "github-actions[bot]",
    email: "41898282+github-actions[bot]@users.noreply.github.com",
    type: "Bot",
    canPush: true,
    association: "NONE",
  });
  return users;
}

// ---------------------------------------------------------------------------------------------
// Helpers shared with tests.
// ---------------------------------------------------------------------------------------------

export function iso(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** Every commit reachable from `oid` (inclusive), like `git rev-list oid`. */
export function ancestorsOf(repo: RepoRec, oid: string): Set<string> {
  const byOid = new Map(repo.commits.map((c) => [c.oid, c]));
  const seen = new Set<string>();
  const stack = [oid];
  while (stack.length > 0) {
    const cur = stack.pop() as string;
    if (seen.has(cur)) continue;
    const commit = byOid.get(cur);
    if (!commit) continue;
    seen.add(cur);
    for (const p of commit.parents) stack.push(p);
  }
  return seen;
}

/** `git log <oid>` order: newest committer date first (creation order breaks ties). */
export function historyOf(repo: RepoRec, oid: string): CommitRec[] {
  const reach = ancestorsOf(repo, oid);
  return repo.commits.filter((c) => reach.has(c.oid)).sort((a, b) => b.seq - a.seq);
}

export function scenarioSummary(scn: Scenario) {
  const sum = (f: (r: RepoRec) => number) => scn.repos.reduce((n, r) => n + f(r), 0);
  return {
    repos: scn.repos.length,
    commits: sum((r) => r.commits.length),
    pullRequests: sum((r) => r.pullRequests.length),
    reviews: sum((r) => r.pullRequests.reduce((n, p) => n + p.reviews.length, 0)),
    checkSuites: sum((r) => r.checkSuites.length),
    checkRuns: sum((r) => r.checkSuites.reduce((n, s) => n + s.checkRuns.length, 0)),
    deployments: sum((r) => r.deployments.length),
    tags: sum((r) => r.tags.length),
    releases: sum((r) => r.releases.length),
  };
}

export function repoSlug(repo: RepoRec): string {
  return `${repo.owner}/${repo.name}`;
}

// ---------------------------------------------------------------------------------------------
// Generator.
// ---------------------------------------------------------------------------------------------

const RELEASE_EVERY = 4;
const MIN_CYCLES = 12;
const MINUTE = 60_000;

/** databaseId ranges per kind and repository; all stay below 2^31 because many are GraphQL `Int`s. */
const ID_BASE: Record<string, number> = {
  pr: 1_000_000_000,
  review: 1_200_000_000,
  suite: 1_400_000_000,
  run: 1_600_000_000,
  checkRun: 1_800_000_000,
  deployment: 300_000_000,
  status: 400_000_000,
  release: 200_000_000,
  deploymentReview: 250_000_000,
};

type SigKind =
  | "gpg-valid"
  | "ssh-valid"
  | "unsigned"
  | "gpg-invalid"
  | "gpg-unknown-key"
  | "gpg-unavailable"
  | "smime-ocsp-pending"
  | "smime-valid"
  | "ssh-unverified-email"
  | "gpg-bad-email"
  | "gpg-expired";

/** The first signed-by-a-person commits of every repository walk this list so each state is present. */
const SIG_COVERAGE: SigKind[] = [
  "gpg-valid",
  "ssh-valid",
  "unsigned",
  "gpg-invalid",
  "gpg-unknown-key",
  "gpg-unavailable",
  "gpg-valid",
  "smime-ocsp-pending",
  "ssh-unverified-email",
  "gpg-bad-email",
  "gpg-expired",
  "smime-valid",
];
const SIG_WEIGHTS: [SigKind, number][] = [
  ["gpg-valid", 50],
  ["ssh-valid", 15],
  ["unsigned", 20],
  ["gpg-unknown-key", 4],
  ["gpg-invalid", 2],
  ["gpg-unavailable", 2],
  ["ssh-unverified-email", 2],
  ["gpg-bad-email", 1],
  ["gpg-expired", 1],
  ["smime-ocsp-pending", 1],
  ["smime-valid", 2],
];

const SCHEDULED_STORIES: StoryKind[] = [
  "normal",
  "normal",
  "self-attempt",
  "stale",
  "dismissed",
  "changes-requested",
  "force-push",
  "closed",
  "readonly-only",
  "dismissed-no-reapproval",
  "none",
];
const STORY_WEIGHTS: [StoryKind, number][] = [
  ["normal", 80],
  ["changes-requested", 5],
  ["stale", 3],
  ["dismissed", 2],
  ["self-attempt", 2],
  ["force-push", 2],
  ["closed", 2],
  ["none", 1],
  ["readonly-only", 1],
  ["dismissed-no-reapproval", 1],
];

class RepoBuilder {
  private readonly users: Map<string, UserRec>;
  private readonly byOid = new Map<string, CommitRec>();
  private readonly deploymentById = new Map<number, DeploymentRec>();
  private readonly inMain = new Set<string>();
  private readonly ri: number;
  private readonly hostile: boolean;

  constructor(
    private readonly scn: Scenario,
    private readonly repo: RepoRec,
    private readonly rng: Rng,
  ) {
    this.users = new Map(scn.users.map((u) => [u.login, u]));
    this.ri = scn.repos.indexOf(repo);
    this.hostile = scn.hostileRepo === repoSlug(repo);
    for (const c of repo.commits) this.byOid.set(c.oid, c);
    for (const d of repo.deployments) this.deploymentById.set(d.databaseId, d);
    if (repo.branches.main) this.markMain(repo.branches.main);
  }

  private get g(): RepoGenState {
    return this.repo.gen;
  }

  private get slug(): string {
    return repoSlug(this.repo);
  }

  // --- time, ids -----------------------------------------------------------------------------

  private tick(minMinutes: number, maxMinutes: number): string {
    this.g.clock += this.rng.int(minMinutes * 60, maxMinutes * 60) * 1000;
    return iso(this.g.clock);
  }

  private now(): string {
    return iso(this.g.clock);
  }

  private id(kind: string): number {
    const n = (this.g.ids[kind] ?? 0) + 1;
    this.g.ids[kind] = n;
    return (ID_BASE[kind] ?? 0) + this.ri * 1_000_000 + n;
  }

  private newOid(kind: string): string {
    this.g.oidCounter += 1;
    return sha1Hex(`${this.scn.seed}:${this.slug}:${kind}:${this.g.oidCounter}`);
  }

  private user(login: string): UserRec {
    const u = this.users.get(login);
    if (!u) throw new Error(`unknown user ${login}`);
    return u;
  }

  private actor(login: string, date: string): GitActorRec {
    const u = this.user(login);
    return { name: u.name, email: u.email, date, login };
  }

  private event(e: Omit<ScenarioEvent, "repo" | "at"> & { at?: string }): void {
    this.scn.events.push({ repo: this.slug, at: e.at ?? this.now(), ...e });
  }

  // --- commits -------------------------------------------------------------------------------

  private signature(kind: SigKind, login: string, email: string, date: string): SignatureRec | null {
    if (kind === "unsigned") return null;
    const keyId = sha1Hex(`gpg:${login}`).slice(0, 16).toUpperCase();
    const fingerprint = `SHA256:${Buffer.from(sha1Hex(`ssh:${login}`), "hex")
      .toString("base64")
      .replace(/=+$/, "")}`;
    const base = { wasSignedByGitHub: false, email, keyId: null, keyFingerprint: null } as const;
    const verified = (ok: boolean) => (ok ? date : null);
    switch (kind) {
      case "gpg-valid":
        return {
          ...base,
          typename: "GpgSignature",
          state: "VALID",
          isValid: true,
          signer: login,
          verifiedAt: verified(true),
          keyId,
        };
      case "ssh-valid":
        return {
          ...base,
          typename: "SshSignature",
          state: "VALID",
          isValid: true,
          signer: login,
          verifiedAt: verified(true),
          keyFingerprint: fingerprint,
        };
      case "gpg-invalid":
        return {
          ...base,
          typename: "GpgSignature",
          state: "INVALID",
          isValid: false,
          signer: login,
          verifiedAt: null,
          keyId,
        };
      case "gpg-unknown-key":
        return {
          ...base,
          typename: "GpgSignature",
          state: "UNKNOWN_KEY",
          isValid: false,
          signer: null,
          verifiedAt: null,
          keyId: this.rng.hex(16).toUpperCase(),
        };
      case "gpg-unavailable":
        return {
          ...base,
          typename: "GpgSignature",
          state: "GPGVERIFY_UNAVAILABLE",
          isValid: false,
          signer: null,
          verifiedAt: null,
          keyId,
        };
      case "gpg-bad-email":
        return {
          ...base,
          typename: "GpgSignature",
          state: "BAD_EMAIL",
          isValid: false,
          signer: login,
          verifiedAt: null,
          keyId,
        };
      case "gpg-expired":
        return {
          ...base,
          typename: "GpgSignature",
          state: "EXPIRED_KEY",
          isValid: false,
          signer: login,
          verifiedAt: null,
          keyId,
        };
      case "ssh-unverified-email":
        return {
          ...base,
          typename: "SshSignature",
          state: "UNVERIFIED_EMAIL",
          isValid: false,
          signer: login,
          verifiedAt: null,
          keyFingerprint: fingerprint,
        };
      case "smime-ocsp-pending":
        return {
          ...base,
          typename: "SmimeSignature",
          state: "OCSP_PENDING",
          isValid: false,
          signer: login,
          verifiedAt: null,
        };
      case "smime-valid":
        return {
          ...base,
          typename: "SmimeSignature",
          state: "VALID",
          isValid: true,
          signer: login,
          verifiedAt: verified(true),
        };
    }
  }

  private webFlowSignature(date: string): SignatureRec {
    return {
      typename: "GpgSignature",
      state: "VALID",
      isValid: true,
      wasSignedByGitHub: true,
      email: "noreply@github.com",
      signer: WEB_FLOW,
      verifiedAt: date,
      keyId: GITHUB_KEY_ID,
      keyFingerprint: null,
    };
  }

  private personSignature(login: string, email: string, date: string): SignatureRec | null {
    const i = this.g.signedCommits++;
    const kind = i < SIG_COVERAGE.length ? (SIG_COVERAGE[i] as SigKind) : this.rng.weighted(SIG_WEIGHTS);
    return this.signature(kind, login, email, date);
  }

  private addCommit(c: Omit<CommitRec, "oid" | "seq">): CommitRec {
    const rec: CommitRec = { oid: this.newOid("commit"), seq: this.repo.commits.length, ...c };
    this.repo.commits.push(rec);
    this.byOid.set(rec.oid, rec);
    return rec;
  }

  /** A commit written by a person (or a bot) and pushed from a workstation. */
  private workCommit(
    author: string,
    parent: string,
    message: string,
    opts: { unlinkedName?: string } = {},
  ): CommitRec {
    const date = this.tick(15, 200);
    const authored = iso(this.g.clock - this.rng.int(0, 90) * MINUTE);
    if (opts.unlinkedName) {
      // An email no GitHub account claims: GitActor.user is null and the commit is unsigned.
      const who = { name: opts.unlinkedName, email: "build@ci.acme.internal", login: null };
      return this.addCommit({
        parents: [parent],
        message,
        author: { ...who, date: authored },
        committer: { ...who, date },
        committedViaWeb: false,
        signature: null,
      });
    }
    const u = this.user(author);
    if (u.type === "Bot") {
      return this.addCommit({
        parents: [parent],
        message,
        author: this.actor(author, authored),
        committer: this.actor(WEB_FLOW, date),
        committedViaWeb: true,
        signature: this.webFlowSignature(date),
      });
    }
    const viaWeb = this.rng.chance(0.02);
    return this.addCommit({
      parents: [parent],
      message,
      author: this.actor(author, authored),
      committer: viaWeb ? this.actor(WEB_FLOW, date) : this.actor(author, date),
      committedViaWeb: viaWeb,
      signature: viaWeb ? this.webFlowSignature(date) : this.personSignature(author, u.email, date),
    });
  }

  private message(): string {
    if (this.hostile && this.rng.chance(0.4)) return this.rng.pick(HOSTILE_MESSAGES);
    const headline = `${this.rng.pick(VERBS)} ${this.rng.pick(NOUNS)}`;
    if (!this.rng.chance(0.4)) return headline;
    return `${headline}\n\nThe previous behaviour broke when the ${this.rng.pick(NOUNS)} was empty.\nRefs #${this.rng.int(1, 999)}`;
  }

  // --- CI -------------------------------------------------------------------------------------

  private suite(
    commit: string,
    branch: string | null,
    event: string,
    creator: string,
    workflow: "ci" | "deploy",
    runs: { name: string; conclusion: CheckConclusionState }[],
    at: number,
    runNumber: number,
    runAttempt: number,
  ): CheckSuiteRec {
    const createdAt = iso(at);
    let t = at + this.rng.int(5, 40) * 1000;
    const checkRuns: CheckRunRec[] = runs.map((r) => {
      const startedAt = iso(t);
      t += this.rng.int(30, 300) * 1000;
      return {
        databaseId: this.id("checkRun"),
        name: r.name,
        status: "COMPLETED",
        conclusion: r.conclusion,
        startedAt,
        completedAt: iso(t),
      };
    });
    const failed = runs.find((r) => r.conclusion !== "SUCCESS" && r.conclusion !== "SKIPPED");
    const conclusion: CheckConclusionState = failed ? failed.conclusion : "SUCCESS";
    const suite: CheckSuiteRec = {
      databaseId: this.id("suite"),
      commit,
      branch,
      app: "github-actions",
      status: "COMPLETED",
      conclusion,
      createdAt,
      updatedAt: iso(t),
      creator,
      workflowRun: {
        databaseId: this.id("run"),
        runNumber,
        runAttempt,
        workflow,
        event,
        createdAt,
        updatedAt: iso(t),
        deploymentReviews: [],
      },
      checkRuns,
    };
    this.repo.checkSuites.push(suite);
    return suite;
  }

  /** CI for a pushed commit; a failure is re-run (same run number, next attempt) most of the time. */
  private ci(
    commit: string,
    branch: string | null,
    event: "push" | "pull_request",
    creator: string,
    opts: { fail?: boolean; rerun?: boolean } = {},
  ): CheckSuiteRec {
    const fail = opts.fail ?? this.rng.chance(0.08);
    const runNumber = ++this.g.runNumbers.ci;
    const names = ["build", "test", "lint"];
    const broken = this.rng.pick(names);
    const conclusionFor = (n: string): CheckConclusionState =>
      !fail || n !== broken ? "SUCCESS" : this.rng.chance(0.85) ? "FAILURE" : "TIMED_OUT";
    const at = this.g.clock + this.rng.int(3, 30) * 1000;
    const first = this.suite(
      commit,
      branch,
      event,
      creator,
      "ci",
      names.map((name) => ({ name, conclusion: conclusionFor(name) })),
      at,
      runNumber,
      1,
    );
    const rerun = opts.rerun ?? (fail && this.rng.chance(0.6));
    if (fail && rerun) {
      const again = at + this.rng.int(15, 40) * MINUTE;
      const second = this.suite(
        commit,
        branch,
        event,
        creator,
        "ci",
        names.map((name) => ({ name, conclusion: "SUCCESS" as const })),
        again,
        runNumber,
        2,
      );
      this.event({ kind: "ci-rerun", sha: commit, at: second.createdAt, note: `run #${runNumber}` });
      return second;
    }
    return first;
  }

  // --- deployments --------------------------------------------------------------------------

  private environment(name: string): EnvironmentRec | undefined {
    return this.repo.environments.find((e) => e.name === name);
  }

  private envUrl(env: string): string {
    return `https://${env}.${this.repo.name}.acme.example`;
  }

  private deploy(
    env: string,
    sha: string,
    ref: string | null,
    creator: string,
    opts: {
      outcome?: "SUCCESS" | "FAILURE" | "REJECTED";
      approver?: string;
      description?: string;
    } = {},
  ): DeploymentRec {
    const createdAt = this.tick(3, 30);
    const environment = this.environment(env);
    const reviewersRule = environment?.protectionRules.find((r) => r.type === "REQUIRED_REVIEWERS");
    const waitRule = environment?.protectionRules.find((r) => r.type === "WAIT_TIMER");
    const runNumber = ++this.g.runNumbers.deploy;
    const outcome = opts.outcome ?? (this.rng.chance(env === "prod" ? 0.03 : 0.06) ? "FAILURE" : "SUCCESS");
    const statuses: DeploymentStatusRec[] = [];
    const logUrlFor = (runId: number) => `https://github.com/${this.slug}/actions/runs/${runId}`;
    const statusCreator = ACTIONS_BOT;
    let t = this.g.clock;
    const push = (state: DeploymentStatusState, description: string, runId: number) => {
      const at = iso(t);
      statuses.push({
        databaseId: this.id("status"),
        state,
        description,
        environment: env,
        environmentUrl: state === "SUCCESS" ? this.envUrl(env) : null,
        logUrl: logUrlFor(runId),
        createdAt: at,
        updatedAt: at,
        creator: statusCreator,
      });
    };

    const suiteRuns = [
      {
        name: `deploy (${env})`,
        conclusion: (outcome === "SUCCESS" ? "SUCCESS" : "FAILURE") as CheckConclusionState,
      },
    ];
    const suite = this.suite(
      sha,
      ref && this.repo.branches[ref] ? ref : null,
      env === "dev" ? "push" : "workflow_dispatch",
      creator,
      "deploy",
      suiteRuns,
      t,
      runNumber,
      1,
    );
    const run = suite.workflowRun as WorkflowRunRec;

    const reviews: DeploymentReviewRec[] = [];
    if (reviewersRule) {
      push("WAITING", "Waiting for review", run.databaseId);
      t += this.rng.int(2, 45) * MINUTE;
      const approver = opts.approver ?? this.pickEnvReviewer(reviewersRule, creator);
      const rejected = outcome === "REJECTED";
      reviews.push({
        databaseId: this.id("deploymentReview"),
        state: rejected ? "REJECTED" : "APPROVED",
        comment: rejected
          ? "Not during the freeze, please."
          : this.rng.pick(["", "LGTM", "Approved for release"]),
        user: approver,
        environments: [env],
        createdAt: iso(t),
      });
      if (rejected) {
        push("FAILURE", `Deployment rejected by ${approver}`, run.databaseId);
      }
    }
    if (outcome !== "REJECTED") {
      if (waitRule) t += waitRule.timeout * MINUTE;
      t += this.rng.int(5, 60) * 1000;
      push("IN_PROGRESS", "Deployment started", run.databaseId);
      t += this.rng.int(1, 12) * MINUTE;
      push(outcome, outcome === "SUCCESS" ? "Deployment finished" : "Deployment failed", run.databaseId);
    }
    run.deploymentReviews = reviews;
    run.updatedAt = iso(t);
    suite.updatedAt = iso(t);
    const last = statuses[statuses.length - 1] as DeploymentStatusRec;
    const dep: DeploymentRec = {
      databaseId: this.id("deployment"),
      environment: env,
      originalEnvironment: env,
      sha,
      ref,
      task: "deploy",
      description: opts.description ?? `Deploy ${ref ?? sha.slice(0, 7)} to ${env}`,
      payload: JSON.stringify({
        run_id: run.databaseId,
        artifact: `${this.repo.name}-${sha.slice(0, 7)}.tar.gz`,
      }),
      createdAt,
      updatedAt: last.updatedAt,
      creator,
      state: last.state === "SUCCESS" ? "ACTIVE" : last.state,
      statuses,
      workflowRunId: run.databaseId,
    };
    if (last.state === "SUCCESS") {
      // GitHub marks the previously active deployment of a (non-transient) environment INACTIVE.
      const prevId = this.g.activeDeployment[env];
      const prev = prevId ? this.deploymentById.get(prevId) : undefined;
      if (prev) {
        prev.statuses.push({
          databaseId: this.id("status"),
          state: "INACTIVE",
          description: `Superseded by deployment ${dep.databaseId}`,
          environment: env,
          environmentUrl: null,
          logUrl: null,
          createdAt: last.createdAt,
          updatedAt: last.createdAt,
          creator: statusCreator,
        });
        prev.state = "INACTIVE";
        prev.updatedAt = last.createdAt;
      }
      this.g.activeDeployment[env] = dep.databaseId;
    }
    this.g.clock = Math.max(this.g.clock, t);
    this.repo.deployments.push(dep);
    this.deploymentById.set(dep.databaseId, dep);
    return dep;
  }

  private pickEnvReviewer(rule: ProtectionRuleRec, creator: string): string {
    const people = new Set<string>();
    for (const r of rule.reviewers) {
      if (r.type === "User") people.add(r.login);
      else for (const m of this.scn.teams.find((t) => t.slug === r.slug)?.members ?? []) people.add(m);
    }
    const others = [...people].filter((p) => p !== creator);
    return others.length > 0 ? this.rng.pick(others) : creator;
  }

  // --- pull requests --------------------------------------------------------------------------

  private pr(num: number): PullRequestRec {
    return this.repo.pullRequests.find((p) => p.number === num) as PullRequestRec;
  }

  private touch(pr: PullRequestRec, at: string): void {
    if (at > pr.updatedAt) pr.updatedAt = at;
  }

  private review(pr: PullRequestRec, login: string, state: ReviewState, body = ""): ReviewRec {
    const at = this.tick(5, 240);
    const u = this.user(login);
    const rec: ReviewRec = {
      databaseId: this.id("review"),
      author: login,
      state,
      body,
      createdAt: at,
      submittedAt: at,
      commit: pr.headRefOid,
      authorAssociation: u.association,
      authorCanPushToRepository: u.canPush,
    };
    pr.reviews.push(rec);
    this.touch(pr, at);
    return rec;
  }

  private dismiss(pr: PullRequestRec, review: ReviewRec, actor: string, message: string): void {
    const at = this.tick(5, 120);
    const previous = review.state;
    review.state = "DISMISSED";
    pr.timeline.push({
      type: "ReviewDismissedEvent",
      createdAt: at,
      actor,
      previousReviewState: previous,
      dismissalMessage: message,
      reviewDatabaseId: review.databaseId,
      pullRequestCommit: pr.headRefOid,
    });
    this.touch(pr, at);
  }

  /** Pushes more commits onto an open PR's head branch. */
  private pushToPr(pr: PullRequestRec, count: number): void {
    for (let i = 0; i < count; i++) {
      const c = this.workCommit(pr.author, pr.headRefOid, this.message());
      pr.commits.push(c.oid);
      pr.headRefOid = c.oid;
      this.repo.branches[pr.headRefName] = c.oid;
      this.ci(c.oid, pr.headRefName, "push", pr.author);
      this.touch(pr, c.committer.date);
    }
    this.ci(pr.headRefOid, pr.headRefName, "pull_request", pr.author);
  }

  private forcePush(pr: PullRequestRec): void {
    const before = pr.headRefOid;
    const old = this.byOid.get(before) as CommitRec;
    const amended = this.workCommit(
      pr.author,
      old.parents[0] as string,
      `${old.message.split("\n")[0]} (amended)`,
    );
    pr.commits = pr.commits.filter((c) => c !== before);
    pr.commits.push(amended.oid);
    pr.headRefOid = amended.oid;
    this.repo.branches[pr.headRefName] = amended.oid;
    pr.timeline.push({
      type: "HeadRefForcePushedEvent",
      createdAt: amended.committer.date,
      actor: pr.author,
      beforeCommit: before,
      afterCommit: amended.oid,
    });
    this.touch(pr, amended.committer.date);
    this.ci(amended.oid, pr.headRefName, "pull_request", pr.author);
    this.event({ kind: "force-push", pr: pr.number, sha: amended.oid });
  }

  private reviewersFor(author: string, count: number): string[] {
    const pool = [...DEVS, ...RELEASE_MANAGERS].filter((d) => d !== author);
    const out: string[] = [];
    while (out.length < count && pool.length > 0) {
      const i = this.rng.int(0, pool.length - 1);
      out.push(pool.splice(i, 1)[0] as string);
    }
    return out;
  }

  private openPr(opts: {
    author: string;
    title: string;
    base: string;
    head: string;
    commits: string[];
    reviewers: string[];
  }): PullRequestRec {
    const at = this.tick(2, 30);
    const u = this.user(opts.author);
    const num = ++this.g.prNumber;
    const pr: PullRequestRec = {
      number: num,
      databaseId: this.id("pr"),
      title: opts.title,
      body: `Changes:\n\n${opts.commits.map((c) => `- ${(this.byOid.get(c)?.message ?? "").split("\n")[0]}`).join("\n")}`,
      author: opts.author,
      authorAssociation: u.association,
      createdAt: at,
      updatedAt: at,
      closedAt: null,
      mergedAt: null,
      state: "OPEN",
      isDraft: false,
      mergedBy: null,
      mergeCommit: null,
      mergeMethod: null,
      baseRefName: opts.base,
      baseRefOid: this.repo.branches[opts.base] as string,
      headRefName: opts.head,
      headRefOid: opts.commits[opts.commits.length - 1] as string,
      commits: [...opts.commits],
      reviews: [],
      timeline: opts.reviewers.map((r) => ({
        type: "ReviewRequestedEvent" as const,
        createdAt: at,
        actor: opts.author,
        requestedReviewer: r,
      })),
      reviewDecision: "REVIEW_REQUIRED",
    };
    this.repo.pullRequests.push(pr);
    return pr;
  }

  private merge(pr: PullRequestRec, method: "MERGE" | "SQUASH", merger: string): CommitRec {
    const base = pr.baseRefName;
    const baseHead = this.repo.branches[base] as string;
    const date = this.tick(2, 60);
    const commit =
      method === "MERGE"
        ? this.addCommit({
            parents: [baseHead, pr.headRefOid],
            message: `Merge pull request #${pr.number} from ${this.repo.owner}/${pr.headRefName}\n\n${pr.title}`,
            author: this.actor(merger, date),
            committer: this.actor(WEB_FLOW, date),
            committedViaWeb: true,
            signature: this.webFlowSignature(date),
          })
        : this.addCommit({
            parents: [baseHead],
            message: `${pr.title} (#${pr.number})\n\n${pr.commits
              .map((c) => `* ${(this.byOid.get(c)?.message ?? "").split("\n")[0]}`)
              .join("\n")}`,
            author: this.actor(pr.author, date),
            committer: this.actor(WEB_FLOW, date),
            committedViaWeb: true,
            signature: this.webFlowSignature(date),
          });
    this.repo.branches[base] = commit.oid;
    pr.state = "MERGED";
    pr.mergedAt = date;
    pr.closedAt = date;
    pr.mergedBy = merger;
    pr.mergeCommit = commit.oid;
    pr.mergeMethod = method;
    pr.baseRefOid = baseHead;
    pr.timeline.push({
      type: "MergedEvent",
      createdAt: date,
      actor: merger,
      commit: commit.oid,
      mergeRefName: base,
    });
    pr.reviewDecision = reviewDecisionOf(pr);
    this.touch(pr, date);
    // Most merged head branches are deleted automatically; a few linger like on real repos.
    const keep =
      pr.headRefName === QUOTED_BRANCH || (HOSTILE_BRANCHES as readonly string[]).includes(pr.headRefName);
    if (!keep && pr.headRefName !== "test" && !this.rng.chance(0.1)) {
      delete this.repo.branches[pr.headRefName];
    }
    this.ci(commit.oid, base, "push", merger);
    return commit;
  }

  // --- one unit of work -------------------------------------------------------------------------

  private story(k: number): StoryKind {
    if (k < SCHEDULED_STORIES.length) {
      const s = SCHEDULED_STORIES[k] as StoryKind;
      // The strict variant (only the author's own COMMENTED review) lives in the first repository.
      return s === "self-attempt" && this.ri === 0 ? "self-attempt-strict" : s;
    }
    return this.rng.weighted(STORY_WEIGHTS);
  }

  cycle(): void {
    const k = this.g.cycle++;
    if (k === 3 || this.rng.chance(0.03)) this.directPush("test", k);
    const previous = this.g.pending;
    // The previous feature is reviewed and merged only after the next one has branched off test:
    // that is what makes the merge commits genuinely non-linear.
    const current = this.startFeature(k);
    if (previous) this.runStory(this.pr(previous.pr), previous);
    this.g.pending = current;
    for (let i = this.rng.count(this.g.rates.testDeploys); i > 0; i--) {
      const head = this.repo.branches.test as string;
      this.deploy("test", head, "test", this.rng.pick([...DEVS, ...RELEASE_MANAGERS]));
    }
    if (this.g.mergedSinceRelease >= RELEASE_EVERY) this.release();
  }

  private directPush(branch: string, k: number): CommitRec {
    const parent = this.repo.branches[branch] as string;
    const unlinked = k === 3 && this.ri === Math.min(1, this.scn.repos.length - 1);
    const author = this.rng.pick(DEVS);
    const c = this.workCommit(
      author,
      parent,
      unlinked ? "Emergency config change" : `Hotfix: ${this.message()}`,
      {
        unlinkedName: unlinked ? CSV_INJECTION : undefined,
      },
    );
    this.repo.branches[branch] = c.oid;
    if (branch === "main") this.markMain(c.oid);
    this.ci(c.oid, branch, "push", unlinked ? ADMIN : author);
    this.event({ kind: "direct-push", sha: c.oid, note: branch });
    if (unlinked) this.event({ kind: "csv-injection-text", sha: c.oid, note: "author name" });
    return c;
  }

  private startFeature(k: number): PendingFeature {
    const story = this.story(k);
    const isBot = k === 1 || (k >= SCHEDULED_STORIES.length && this.rng.chance(0.04));
    let author = isBot ? DEPENDABOT : this.rng.pick(DEVS);
    const noun = this.rng.pick(NOUNS);
    let branch: string;
    let title: string;
    if (isBot) {
      const lib = this.rng.pick(BUMPS);
      const from = `${this.rng.int(1, 9)}.${this.rng.int(0, 20)}.${this.rng.int(0, 9)}`;
      branch = `dependabot/npm_and_yarn/${lib}-${k}`;
      title = `Bump ${lib} from ${from} to ${from.replace(/\d+$/, (d) => String(Number(d) + 1))}`;
    } else {
      branch = k === 6 && this.ri === 0 ? QUOTED_BRANCH : `feature/${noun.replace(/ /g, "-")}-${k + 1}`;
      title = k === 2 && this.ri === 0 ? XSS_TITLE : `${this.rng.pick(VERBS)} ${noun}`;
    }
    // A hostile repository: each hostile branch once (kept after the merge, so they stay branch
    // heads), a hostile title on every other PR, every fourth PR by an account whose login is markup.
    const hostileBranch = this.hostile && !isBot && k % 3 === 0 && k / 3 < HOSTILE_BRANCHES.length;
    const hostileTitle = this.hostile && !isBot && k % 2 === 0;
    if (hostileBranch) branch = HOSTILE_BRANCHES[k / 3] as string;
    if (hostileTitle) title = (this.rng.pick(HOSTILE_MESSAGES).split("\n")[0] as string).trim();
    if (hostileTitle && k % 4 === 0) author = HOSTILE_LOGINS[(k / 4) % HOSTILE_LOGINS.length] as string;
    const hostileText = hostileBranch || hostileTitle;
    const base = this.repo.branches.test as string;
    const n = isBot ? 1 : Math.max(1, this.rng.count(this.g.rates.featureCommits));
    const commits: string[] = [];
    let parent = base;
    for (let i = 0; i < n; i++) {
      const csv = k === 5 && this.ri === 0 && i === 0;
      const message = isBot ? title : csv ? `Fix order export for ${CSV_INJECTION}` : this.message();
      const c = this.workCommit(author, parent, message);
      if (csv) this.event({ kind: "csv-injection-text", sha: c.oid, note: "commit message" });
      commits.push(c.oid);
      parent = c.oid;
      this.repo.branches[branch] = c.oid;
      this.ci(c.oid, branch, "push", author, k === 0 && i === 0 ? { fail: true, rerun: true } : {});
    }
    const reviewerCount = this.rng.weighted([
      [1, 30],
      [2, 45],
      [3, 25],
    ] as const);
    const reviewers = story === "readonly-only" ? [READ_ONLY] : this.reviewersFor(author, reviewerCount);
    const pr = this.openPr({ author, title, base: "test", head: branch, commits, reviewers });
    this.ci(pr.headRefOid, branch, "pull_request", author);
    if (isBot) this.event({ kind: "bot-pr", pr: pr.number });
    if (title === XSS_TITLE) this.event({ kind: "xss-title", pr: pr.number });
    if (hostileText) this.event({ kind: "hostile-text", pr: pr.number, note: "PR title, branch or author" });
    if (branch === QUOTED_BRANCH) this.event({ kind: "quoted-branch", pr: pr.number });
    for (let i = this.rng.count(this.g.rates.devDeploys); i > 0; i--) {
      const creator = this.rng.chance(0.3) || isBot ? ACTIONS_BOT : author;
      this.deploy("dev", pr.headRefOid, branch, creator);
    }
    return { pr: pr.number, branch, story, mergeMethod: isBot || this.rng.chance(0.45) ? "SQUASH" : "MERGE" };
  }

  private runStory(pr: PullRequestRec, plan: PendingFeature): void {
    const reviewers = pr.timeline.flatMap((t) =>
      t.type === "ReviewRequestedEvent" ? [t.requestedReviewer] : [],
    );
    const first = reviewers[0] ?? this.rng.pick(DEVS.filter((d) => d !== pr.author));
    const second = reviewers[1] ?? this.reviewersFor(pr.author, 3).find((r) => r !== first) ?? ADMIN;
    const approveAll = () => {
      for (const r of reviewers) {
        if (this.rng.chance(0.25)) this.review(pr, r, "COMMENTED", "A few nits, otherwise fine.");
        this.review(pr, r, "APPROVED");
      }
    };
    let merger = this.user(pr.author).type === "Bot" ? first : this.rng.chance(0.6) ? pr.author : first;
    switch (plan.story) {
      case "normal":
        approveAll();
        break;
      case "self-attempt":
      case "self-attempt-strict":
        // GitHub refuses "Approve" on your own PR; the attempt is stored as COMMENTED.
        this.review(pr, pr.author, "COMMENTED", "Approving my own change, it is trivial.");
        if (plan.story === "self-attempt") this.review(pr, first, "APPROVED");
        merger = pr.author;
        this.event({ kind: "self-approval-attempt", pr: pr.number });
        break;
      case "stale":
        this.review(pr, first, "APPROVED");
        this.pushToPr(pr, this.rng.int(1, 2));
        this.event({ kind: "stale-approval", pr: pr.number });
        break;
      case "dismissed": {
        const r = this.review(pr, first, "APPROVED");
        this.pushToPr(pr, 1);
        this.dismiss(pr, r, ADMIN, "Stale review dismissed after new commits");
        this.review(pr, second, "APPROVED");
        this.event({ kind: "dismissed-review", pr: pr.number, note: "re-approved" });
        break;
      }
      case "dismissed-no-reapproval": {
        const r = this.review(pr, first, "APPROVED");
        this.dismiss(pr, r, ADMIN, "Approved by mistake");
        merger = ADMIN;
        this.event({ kind: "dismissed-review", pr: pr.number, note: "not re-approved" });
        break;
      }
      case "changes-requested":
        this.review(pr, first, "CHANGES_REQUESTED", "Please add a test for the empty case.");
        this.pushToPr(pr, 1);
        this.review(pr, first, "APPROVED");
        break;
      case "force-push":
        this.review(pr, first, "APPROVED");
        this.forcePush(pr);
        this.review(pr, first, "APPROVED");
        break;
      case "readonly-only":
        this.review(pr, READ_ONLY, "APPROVED");
        this.event({ kind: "readonly-approval", pr: pr.number });
        break;
      case "none":
        merger = ADMIN;
        this.event({ kind: "unreviewed-merge", pr: pr.number });
        break;
      case "closed": {
        this.review(pr, first, "COMMENTED", "I do not think we need this.");
        const at = this.tick(10, 120);
        pr.state = "CLOSED";
        pr.closedAt = at;
        pr.timeline.push({ type: "ClosedEvent", createdAt: at, actor: pr.author });
        pr.reviewDecision = reviewDecisionOf(pr);
        this.touch(pr, at);
        delete this.repo.branches[pr.headRefName];
        this.event({ kind: "closed-pr", pr: pr.number });
        return;
      }
    }
    this.merge(pr, plan.mergeMethod, merger);
    this.g.mergedSinceRelease += 1;
  }

  /** Marks everything reachable from `oid` as part of main; returns the newly marked commits. */
  private markMain(oid: string): string[] {
    const fresh: string[] = [];
    const stack = [oid];
    while (stack.length > 0) {
      const cur = stack.pop() as string;
      if (this.inMain.has(cur)) continue;
      this.inMain.add(cur);
      fresh.push(cur);
      for (const p of this.byOid.get(cur)?.parents ?? []) if (!this.inMain.has(p)) stack.push(p);
    }
    return fresh;
  }

  private release(): void {
    const test = this.repo.branches.test as string;
    if (this.inMain.has(test)) return;
    this.g.mergedSinceRelease = 0;
    const r = ++this.g.releaseCount;
    // A hostile repository's first releases are tagged with markup: tag names reach deployments,
    // releases and the environments' refs.
    const version = this.hostile && r <= HOSTILE_TAGS.length ? (HOSTILE_TAGS[r - 1] as string) : `v1.${r}.0`;
    const manager = RELEASE_MANAGERS[r % 2] as string;
    const otherManager = RELEASE_MANAGERS[(r + 1) % 2] as string;
    // A release PR lists every commit of test that main does not have yet.
    const commits = this.markMain(test)
      .map((oid) => this.byOid.get(oid) as CommitRec)
      .sort((a, b) => a.seq - b.seq)
      .map((c) => c.oid);
    const pr = this.openPr({
      author: manager,
      title: `Release ${version}`,
      base: "main",
      head: "test",
      commits,
      reviewers: [otherManager],
    });
    this.review(pr, otherManager, "APPROVED");
    const lastRepo = this.scn.repos.length - 1;
    const redCi = r === 1 && this.ri === lastRepo;
    const merge = this.mergeRelease(pr, manager, redCi);
    if (redCi) this.event({ kind: "red-ci-deployed", sha: merge.oid, note: version });

    // Build once, promote many: the release commit goes to test first, then to prod.
    this.deploy("test", merge.oid, "main", manager, { outcome: "SUCCESS" });
    this.tag(version, merge.oid, manager, r % 3 === 2 ? "lightweight" : "annotated");
    if (version !== `v1.${r}.0`)
      this.event({ kind: "hostile-text", tag: version, sha: merge.oid, note: "tag name" });
    if (r % 3 !== 2 || r % 5 === 0)
      this.addRelease(version, manager, { prerelease: r % 7 === 4, draft: r % 11 === 6 });

    const selfApprove = r === 1 && this.ri === 0;
    if (r === 2 && this.ri === lastRepo) {
      const rejected = this.deploy("prod", merge.oid, version, manager, { outcome: "REJECTED" });
      this.event({ kind: "rejected-deploy", deployment: rejected.databaseId, sha: merge.oid, tag: version });
    }
    const prod = this.deploy("prod", merge.oid, version, manager, {
      outcome: "SUCCESS",
      approver: selfApprove ? manager : undefined,
    });
    if (selfApprove)
      this.event({ kind: "self-approved-deploy", deployment: prod.databaseId, sha: merge.oid, tag: version });
    const previous = this.g.prodReleases[this.g.prodReleases.length - 1];
    this.g.prodReleases.push({ sha: merge.oid, tag: version });

    if (r === 2 && this.ri === 0 && previous) {
      // Rollback: prod goes back to the previous release's SHA.
      const back = this.deploy("prod", previous.sha, previous.tag, manager, {
        outcome: "SUCCESS",
        description: `Rollback to ${previous.tag}`,
      });
      this.event({ kind: "rollback", deployment: back.databaseId, sha: previous.sha, tag: previous.tag });
    }
    if (r === 1 && this.ri === Math.min(1, this.scn.repos.length - 1)) {
      // A hotfix pushed straight to main and deployed to prod without ever reaching test.
      const hot = this.directPush("main", -1);
      this.tag(`v1.${r}.1`, hot.oid, manager, "lightweight");
      const dep = this.deploy("prod", hot.oid, `v1.${r}.1`, manager, { outcome: "SUCCESS" });
      this.event({
        kind: "untested-prod-deploy",
        deployment: dep.databaseId,
        sha: hot.oid,
        tag: `v1.${r}.1`,
      });
    }
  }

  private mergeRelease(pr: PullRequestRec, manager: string, redCi: boolean): CommitRec {
    const date = this.tick(2, 60);
    const main = this.repo.branches.main as string;
    const commit = this.addCommit({
      parents: [main, pr.headRefOid],
      message: `Merge pull request #${pr.number} from ${this.repo.owner}/test\n\n${pr.title}`,
      author: this.actor(manager, date),
      committer: this.actor(WEB_FLOW, date),
      committedViaWeb: true,
      signature: this.webFlowSignature(date),
    });
    this.repo.branches.main = commit.oid;
    this.markMain(commit.oid);
    pr.state = "MERGED";
    pr.mergedAt = date;
    pr.closedAt = date;
    pr.mergedBy = manager;
    pr.mergeCommit = commit.oid;
    pr.mergeMethod = "MERGE";
    pr.baseRefOid = main;
    pr.timeline.push({
      type: "MergedEvent",
      createdAt: date,
      actor: manager,
      commit: commit.oid,
      mergeRefName: "main",
    });
    pr.reviewDecision = reviewDecisionOf(pr);
    this.touch(pr, date);
    this.ci(commit.oid, "main", "push", manager, redCi ? { fail: true, rerun: false } : {});
    return commit;
  }

  private tag(name: string, target: string, tagger: string, kind: "annotated" | "lightweight"): TagRec {
    const at = this.tick(1, 20);
    const rec: TagRec =
      kind === "annotated"
        ? {
            name,
            kind,
            target,
            tagOid: this.newOid("tag"),
            message: `Release ${name}\n`,
            tagger: this.actor(tagger, at),
            createdAt: at,
          }
        : { name, kind, target, tagOid: null, message: null, tagger: null, createdAt: at };
    this.repo.tags.push(rec);
    return rec;
  }

  private addRelease(tagName: string, author: string, opts: { prerelease: boolean; draft: boolean }): void {
    const at = this.tick(1, 30);
    this.repo.releases.push({
      databaseId: this.id("release"),
      tagName,
      name: `${this.repo.name} ${tagName}`,
      description: `Release notes for ${tagName}`,
      createdAt: at,
      publishedAt: opts.draft ? null : at,
      updatedAt: at,
      isPrerelease: opts.prerelease,
      isDraft: opts.draft,
      author,
    });
  }

  /** Root commit shared by main and test. */
  bootstrap(): void {
    const date = this.now();
    const admin = this.user(ADMIN);
    const root = this.addCommit({
      parents: [],
      message: "Initial commit",
      author: this.actor(ADMIN, date),
      committer: this.actor(ADMIN, date),
      committedViaWeb: false,
      signature: this.signature("gpg-valid", ADMIN, admin.email, date),
    });
    this.repo.branches.main = root.oid;
    this.repo.branches.test = root.oid;
    this.markMain(root.oid);
    this.ci(root.oid, "main", "push", ADMIN, { fail: false });
  }

  // --- advance-only activity ------------------------------------------------------------------

  /** Late activity on an old merged PR: its `updatedAt` moves although it merged long ago. */
  lateActivity(kindIndex: number): void {
    const merged = this.repo.pullRequests.filter(
      (p) =>
        p.state === "MERGED" &&
        p.baseRefName === "test" &&
        p.reviews.some((r) => r.state === "APPROVED" && r.author !== p.author),
    );
    if (merged.length === 0) return;
    const pr =
      merged[Math.floor(merged.length / 4) + (kindIndex % Math.max(1, Math.floor(merged.length / 4)))];
    if (!pr) return;
    if (kindIndex % 2 === 0) {
      const approval = pr.reviews.find((r) => r.state === "APPROVED" && r.author !== pr.author) as ReviewRec;
      this.dismiss(pr, approval, ADMIN, "Dismissed after audit: reviewer was on leave");
      pr.reviewDecision = reviewDecisionOf(pr);
      this.event({ kind: "late-dismissal", pr: pr.number, at: pr.updatedAt });
    } else {
      const reviewer = this.reviewersFor(pr.author, 1)[0] ?? ADMIN;
      this.review(pr, reviewer, "APPROVED", "Post-merge review: looks fine.");
      pr.reviewDecision = reviewDecisionOf(pr);
      this.event({ kind: "late-review", pr: pr.number, at: pr.updatedAt });
    }
  }

  moveTag(): TagMoveRec | null {
    const tag = [...this.repo.tags].reverse().find((t) => t.name.endsWith(".0"));
    if (!tag) return null;
    const candidates = [this.repo.branches.main, this.repo.branches.test].filter(
      (s): s is string => typeof s === "string" && s !== tag.target,
    );
    const to = candidates[0];
    if (!to) return null;
    const at = this.tick(5, 60);
    const move: TagMoveRec = {
      name: tag.name,
      from: tag.target,
      to,
      fromTagOid: tag.tagOid,
      toTagOid: null,
      movedAt: at,
    };
    tag.target = to;
    tag.createdAt = at;
    if (tag.kind === "annotated") {
      tag.tagOid = this.newOid("tag");
      tag.tagger = this.actor(RELEASE_MANAGERS[0] as string, at);
      move.toTagOid = tag.tagOid;
    }
    this.repo.tagMoves.push(move);
    this.event({ kind: "moved-tag", tag: tag.name, sha: to, at, note: `${move.from} -> ${move.to}` });
    return move;
  }
}

/**
 * `reviewDecision` on a branch that requires one approval: the latest opinion of each reviewer counts,
 * and approvals from people without write access do not (GitHub ignores them for required reviews).
 */
export function reviewDecisionOf(pr: PullRequestRec): PullRequestRec["reviewDecision"] {
  const latest = new Map<string, ReviewState>();
  for (const r of pr.reviews) {
    if (r.author === pr.author || !r.authorCanPushToRepository) continue;
    if (r.state === "APPROVED" || r.state === "CHANGES_REQUESTED" || r.state === "DISMISSED")
      latest.set(r.author, r.state);
  }
  const states = [...latest.values()];
  if (states.includes("CHANGES_REQUESTED")) return "CHANGES_REQUESTED";
  if (states.includes("APPROVED")) return "APPROVED";
  return "REVIEW_REQUIRED";
}

function resolveCounts(size: CreateScenarioOptions["size"]): {
  name: SizeName | "custom";
  counts: ScenarioCounts;
} {
  if (size === undefined) return { name: "small", counts: SIZE_PRESETS.small };
  if (typeof size === "string") {
    const preset = SIZE_PRESETS[size];
    if (!preset) throw new Error(`unknown scenario size "${size}" (small, medium, large or custom counts)`);
    return { name: size, counts: preset };
  }
  const counts = { ...SIZE_PRESETS.small, ...size };
  if (counts.repos < 1 || counts.repos > 50) throw new Error("repos must be between 1 and 50");
  return { name: "custom", counts };
}

function environmentsFor(ri: number): EnvironmentRec[] {
  const id = (n: number) => 100_000_000 + ri * 100 + n;
  return [
    { databaseId: id(1), name: "dev", protectionRules: [] },
    {
      databaseId: id(2),
      name: "test",
      protectionRules: [
        { databaseId: id(50), type: "WAIT_TIMER", timeout: 5, preventSelfReview: null, reviewers: [] },
      ],
    },
    {
      databaseId: id(3),
      name: "prod",
      protectionRules: [
        {
          databaseId: id(51),
          type: "REQUIRED_REVIEWERS",
          timeout: 0,
          // The first repository lets deployers approve themselves; the others forbid it.
          preventSelfReview: ri !== 0,
          reviewers: [
            { type: "Team", slug: "release-managers" },
            { type: "User", login: "erin" },
          ],
        },
        { databaseId: id(52), type: "WAIT_TIMER", timeout: 10, preventSelfReview: null, reviewers: [] },
      ],
    },
  ];
}

function newRepo(scn: Scenario, ri: number, perRepo: ScenarioCounts, owner: string): RepoRec {
  const name = REPO_NAMES[ri] ?? `svc-${ri + 1}`;
  const start = Date.parse(scn.baseTime) + ri * 3 * 3600_000;
  const expectedCycles = Math.max(MIN_CYCLES, perRepo.pullRequests / (1 + 1 / RELEASE_EVERY));
  const commitsPerCycle = perRepo.commits / expectedCycles;
  const extraDeploys = Math.max(0, perRepo.deployments / expectedCycles - 2 / RELEASE_EVERY);
  return {
    owner,
    name,
    databaseId: 500_000_000 + ri,
    createdAt: iso(start),
    defaultBranch: "main",
    commits: [],
    branches: {},
    pullRequests: [],
    checkSuites: [],
    deployments: [],
    environments: environmentsFor(ri),
    workflows: [
      { key: "ci", databaseId: 150_000_000 + ri * 100 + 1, name: "CI", path: ".github/workflows/ci.yml" },
      {
        key: "deploy",
        databaseId: 150_000_000 + ri * 100 + 2,
        name: "Deploy",
        path: ".github/workflows/deploy.yml",
      },
    ],
    tags: [],
    tagMoves: [],
    releases: [],
    gen: {
      clock: start,
      cycle: 0,
      oidCounter: 0,
      ids: {},
      runNumbers: { ci: 0, deploy: 0 },
      prNumber: 0,
      releaseCount: 0,
      mergedSinceRelease: 0,
      signedCommits: 0,
      pending: null,
      activeDeployment: {},
      prodReleases: [],
      rates: {
        // Per cycle: the merge commit, 1/RELEASE_EVERY release merges and rare direct pushes come on top.
        featureCommits: Math.max(1, commitsPerCycle - 1 - 1 / RELEASE_EVERY - 0.09),
        devDeploys: extraDeploys * 0.6,
        testDeploys: extraDeploys * 0.4,
      },
    },
  };
}

const TEAMS: TeamRec[] = [
  { slug: "release-managers", name: "Release Managers", databaseId: 7001, members: [...RELEASE_MANAGERS] },
];

/**
 * Builds a deterministic scenario: the same seed and size always give identical data, SHAs included.
 * Generation runs cycles (one feature PR each, a release every few merges) until every count target
 * is met, so the counts are lower bounds.
 */
export function createScenario(opts: CreateScenarioOptions): Scenario {
  const { name, counts } = resolveCounts(opts.size);
  const seed = opts.seed;
  if (!Number.isSafeInteger(seed)) throw new Error("seed must be an integer");
  const dayOffset = hash32(`base:${seed}`) % 180;
  const scn: Scenario = {
    version: 1,
    seed,
    size: name,
    counts,
    baseTime: iso(Date.UTC(2024, 0, 1, 8) + dayOffset * 86_400_000),
    users: buildUsers(),
    teams: TEAMS.map((t) => ({ ...t, members: [...t.members] })),
    repos: [],
    events: [],
    advances: 0,
    steps: 0,
  };
  if (opts.owner !== undefined && !/^[A-Za-z0-9-]{1,39}$/.test(opts.owner))
    throw new Error(`owner must be a GitHub login (letters, digits, hyphens): ${opts.owner}`);
  if (opts.hostile) scn.users.push(...hostileUsers(90_001));
  const perRepo: ScenarioCounts = {
    repos: 1,
    commits: Math.ceil(counts.commits / counts.repos),
    pullRequests: Math.ceil(counts.pullRequests / counts.repos),
    deployments: Math.ceil(counts.deployments / counts.repos),
  };
  for (let ri = 0; ri < counts.repos; ri++) scn.repos.push(newRepo(scn, ri, perRepo, opts.owner ?? OWNER));
  if (opts.hostile) scn.hostileRepo = repoSlug(scn.repos[scn.repos.length - 1] as RepoRec);
  for (const repo of scn.repos) {
    const builder = new RepoBuilder(scn, repo, new Rng(`${seed}:${repo.name}:create`));
    builder.bootstrap();
    const done = () =>
      repo.gen.cycle >= MIN_CYCLES &&
      repo.commits.length >= perRepo.commits &&
      repo.pullRequests.length >= perRepo.pullRequests &&
      repo.deployments.length >= perRepo.deployments;
    while (!done()) {
      if (repo.gen.cycle > 10 * (perRepo.pullRequests + perRepo.commits + MIN_CYCLES)) {
        throw new Error("scenario generation does not converge");
      }
      builder.cycle();
    }
  }
  return scn;
}

/**
 * Moves the world forward in place (and returns it): `steps` more cycles per repository, late review
 * activity on an old merged PR of the first repository, and — on the first advance only — the one
 * moved tag.
 */
export function advanceScenario(scn: Scenario, opts: AdvanceOptions = {}): Scenario {
  const steps = opts.steps ?? 1;
  const advanceNo = scn.advances;
  for (const [ri, repo] of scn.repos.entries()) {
    const builder = new RepoBuilder(
      scn,
      repo,
      new Rng(`${scn.seed}:${repo.name}:advance:${advanceNo}:${opts.seed ?? 0}`),
    );
    for (let i = 0; i < steps; i++) builder.cycle();
    if (ri === 0) {
      builder.lateActivity(advanceNo);
      if (!scn.repos.some((r) => r.tagMoves.length > 0)) builder.moveTag();
    }
  }
  scn.advances += 1;
  scn.steps += steps;
  return scn;
}
