import {
  GraphQLError,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLTypeResolver,
  getNullableType,
  isCompositeType,
  isListType,
  isNonNullType,
} from "graphql";
import { type ConnectionView, type CursorKey, isConnectionView, paginate } from "./connection.ts";
import { type RepoIndex, type ScenarioIndex, VIEWER } from "./data-index.ts";
import { sha1Hex } from "./prng.ts";
import type {
  CheckRunRec,
  CheckSuiteRec,
  CommitRec,
  DeploymentRec,
  DeploymentReviewRec,
  DeploymentStatusRec,
  EnvironmentRec,
  GitActorRec,
  ProtectionRuleRec,
  PullRequestRec,
  ReleaseRec,
  ReviewRec,
  SignatureRec,
  TagRec,
  TeamRec,
  TimelineRec,
  UserRec,
  WorkflowRec,
  WorkflowRunRec,
} from "./scenario.ts";

// ---------------------------------------------------------------------------------------------
// Execution context.
// ---------------------------------------------------------------------------------------------

export interface RateLimitView {
  cost: number;
  limit: number;
  remaining: number;
  used: number;
  resetAt: number;
  nodeCount: number;
}

export interface SimContext {
  index: ScenarioIndex;
  rate: RateLimitView;
  /** `rateLimit(dryRun: true)`: nothing but rateLimit is evaluated. */
  dryRun: boolean;
  /** Partial-result fault: the n-th eligible field fails (counting mode when `target` is -1). */
  partial?: { target: number; seen: number };
  /** Permissions the token lacks: their fields answer FORBIDDEN, as for a fine-grained token. */
  forbidden?: ReadonlySet<Permission>;
}

/** Repository permissions of a fine-grained token that the sync's reads need. */
export type Permission = "checks" | "deployments" | "actions" | "pull_requests" | "environments";
export const PERMISSIONS: readonly Permission[] = [
  "checks",
  "deployments",
  "actions",
  "pull_requests",
  "environments",
];

/** The fields GitHub guards with each permission (what `forbidden` turns into FORBIDDEN errors). */
const GUARDED_FIELDS: Record<string, Permission> = {
  "Commit.checkSuites": "checks",
  "Commit.statusCheckRollup": "checks",
  "Commit.status": "checks",
  "CheckSuite.checkRuns": "checks",
  "Repository.deployments": "deployments",
  "Commit.deployments": "deployments",
  "Environment.latestCompletedDeployment": "deployments",
  "CheckRun.deployment": "deployments",
  "CheckSuite.workflowRun": "actions",
  "Repository.pullRequests": "pull_requests",
  "Repository.pullRequest": "pull_requests",
  "Commit.associatedPullRequests": "pull_requests",
  "Repository.environments": "environments",
  "Repository.environment": "environments",
};
/** Objects fetched by node id that need a permission. */
const GUARDED_NODES: Record<string, Permission> = {
  CheckSuite: "checks",
  CheckRun: "checks",
  Deployment: "deployments",
  WorkflowRun: "actions",
  PullRequest: "pull_requests",
};

function forbiddenError(): GraphQLError {
  return simError("Resource not accessible by personal access token", "FORBIDDEN");
}

type Args = Record<string, unknown>;
type Resolver<S> = (src: S, args: Args, ctx: SimContext, info: GraphQLResolveInfo) => unknown;
type Fields<S> = Record<string, Resolver<S>>;

function simError(message: string, type: string): GraphQLError {
  return new GraphQLError(message, { extensions: { type } });
}

const str = (a: Args, k: string): string | null => (typeof a[k] === "string" ? (a[k] as string) : null);
const strList = (a: Args, k: string): string[] | null => (Array.isArray(a[k]) ? (a[k] as string[]) : null);
const ms = (t: string) => Date.parse(t);

// ---------------------------------------------------------------------------------------------
// Views: what flows through graphql-js as `source`. `__typename` drives interface/union resolution.
// ---------------------------------------------------------------------------------------------

interface RepoView {
  __typename: "Repository";
  r: RepoIndex;
}
interface ActorView {
  __typename: "User" | "Bot";
  u: UserRec;
}
interface OrgView {
  __typename: "Organization";
  login: string;
}
interface CommitView {
  __typename: "Commit";
  r: RepoIndex;
  c: CommitRec;
}
interface TagView {
  __typename: "Tag";
  r: RepoIndex;
  t: TagRec;
}
interface RefView {
  __typename: "Ref";
  r: RepoIndex;
  /** Full ref name, e.g. `refs/heads/main`. */
  full: string;
  prefix: string;
}
interface GitActorView {
  __typename: "GitActor";
  r: RepoIndex;
  a: GitActorRec;
}
interface SignatureView {
  __typename: SignatureRec["typename"];
  r: RepoIndex;
  s: SignatureRec;
  c: CommitRec;
}
interface PrView {
  __typename: "PullRequest";
  r: RepoIndex;
  p: PullRequestRec;
}
interface ReviewView {
  __typename: "PullRequestReview";
  r: RepoIndex;
  p: PullRequestRec;
  v: ReviewRec;
}
interface PrCommitView {
  __typename: "PullRequestCommit";
  r: RepoIndex;
  p: PullRequestRec;
  oid: string;
}
interface EventView {
  __typename: TimelineRec["type"];
  r: RepoIndex;
  p: PullRequestRec;
  e: TimelineRec;
  i: number;
}
interface SuiteView {
  __typename: "CheckSuite";
  r: RepoIndex;
  s: CheckSuiteRec;
}
interface RunView {
  __typename: "CheckRun";
  r: RepoIndex;
  s: CheckSuiteRec;
  run: CheckRunRec;
}
interface WorkflowRunView {
  __typename: "WorkflowRun";
  r: RepoIndex;
  s: CheckSuiteRec;
  w: WorkflowRunRec;
}
interface WorkflowView {
  __typename: "Workflow";
  r: RepoIndex;
  wf: WorkflowRec;
}
interface WorkflowFileView {
  __typename: "WorkflowRunFile";
  r: RepoIndex;
  wf: WorkflowRec;
  w: WorkflowRunRec;
}
interface DeploymentReviewView {
  __typename: "DeploymentReview";
  r: RepoIndex;
  dr: DeploymentReviewRec;
}
interface EnvironmentView {
  __typename: "Environment";
  r: RepoIndex;
  e: EnvironmentRec;
}
interface RuleView {
  __typename: "DeploymentProtectionRule";
  r: RepoIndex;
  rule: ProtectionRuleRec;
}
interface TeamView {
  __typename: "Team";
  t: TeamRec;
}
interface DeploymentView {
  __typename: "Deployment";
  r: RepoIndex;
  d: DeploymentRec;
}
interface StatusView {
  __typename: "DeploymentStatus";
  r: RepoIndex;
  d: DeploymentRec;
  st: DeploymentStatusRec;
}
interface ReleaseView {
  __typename: "Release";
  r: RepoIndex;
  rel: ReleaseRec;
}
interface RollupView {
  __typename: "StatusCheckRollup";
  r: RepoIndex;
  c: CommitRec;
  suites: CheckSuiteRec[];
}
interface CountView {
  __typename: "CheckRunStateCount";
  state: string;
  count: number;
}

const repoView = (r: RepoIndex): RepoView => ({ __typename: "Repository", r });
const commitView = (r: RepoIndex, c: CommitRec | undefined): CommitView | null =>
  c ? { __typename: "Commit", r, c } : null;
const commitByOid = (r: RepoIndex, oid: string | null | undefined) =>
  oid ? commitView(r, r.commitByOid.get(oid)) : null;

function actorView(index: ScenarioIndex, login: string | null | undefined): ActorView | null {
  const u = login ? index.users.get(login) : undefined;
  return u ? { __typename: u.type, u } : null;
}

/** Fields typed `User` (not `Actor`) cannot hold a Bot: GitHub returns null there. */
function userView(index: ScenarioIndex, login: string | null | undefined): ActorView | null {
  const v = actorView(index, login);
  return v && v.__typename === "User" ? v : null;
}

function refView(r: RepoIndex, full: string, prefix?: string): RefView | null {
  const exists = full.startsWith("refs/heads/")
    ? r.rec.branches[full.slice("refs/heads/".length)] !== undefined
    : full.startsWith("refs/tags/")
      ? r.tagByName.has(full.slice("refs/tags/".length))
      : false;
  if (!exists) return null;
  // GitHub names a ref relative to its namespace: refs/heads/feature/x is "feature/x", prefix "refs/heads/".
  return {
    __typename: "Ref",
    r,
    full,
    prefix: prefix ?? full.slice(0, full.indexOf("/", "refs/".length) + 1),
  };
}

/** Resolves a short or qualified ref name the way `Repository.ref(qualifiedName:)` does. */
function findRef(r: RepoIndex, name: string): RefView | null {
  if (name.startsWith("refs/")) return refView(r, name);
  return refView(r, `refs/heads/${name}`) ?? refView(r, `refs/tags/${name}`);
}

function refTarget(ref: RefView): CommitView | TagView | null {
  const short = ref.full.slice(ref.full.indexOf("/", 5) + 1);
  if (ref.full.startsWith("refs/heads/")) return commitByOid(ref.r, ref.r.rec.branches[short]);
  const tag = ref.r.tagByName.get(short);
  if (!tag) return null;
  return tag.kind === "annotated" ? { __typename: "Tag", r: ref.r, t: tag } : commitByOid(ref.r, tag.target);
}

function nodeId(prefix: string, ...parts: (string | number)[]): string {
  return `${prefix}_${Buffer.from(parts.join(":")).toString("base64url")}`;
}

const prView = (r: RepoIndex, p: PullRequestRec): PrView => ({ __typename: "PullRequest", r, p });
const reviewView = (r: RepoIndex, p: PullRequestRec, v: ReviewRec): ReviewView => ({
  __typename: "PullRequestReview",
  r,
  p,
  v,
});
const suiteView = (r: RepoIndex, s: CheckSuiteRec): SuiteView => ({ __typename: "CheckSuite", r, s });
const deploymentView = (r: RepoIndex, d: DeploymentRec): DeploymentView => ({
  __typename: "Deployment",
  r,
  d,
});
const envView = (r: RepoIndex, e: EnvironmentRec): EnvironmentView => ({ __typename: "Environment", r, e });
const workflowRunView = (r: RepoIndex, s: CheckSuiteRec): WorkflowRunView | null =>
  s.workflowRun ? { __typename: "WorkflowRun", r, s, w: s.workflowRun } : null;
const workflowOf = (r: RepoIndex, w: WorkflowRunRec) =>
  r.rec.workflows.find((x) => x.key === w.workflow) as WorkflowRec;

// ---------------------------------------------------------------------------------------------
// Ordering helpers.
// ---------------------------------------------------------------------------------------------

interface Order {
  field: string;
  direction: "ASC" | "DESC";
}

function orderArg(args: Args, fallback: Order): Order {
  const o = args.orderBy as Partial<Order> | undefined;
  return { field: o?.field ?? fallback.field, direction: o?.direction ?? fallback.direction };
}

/** Sorts by (primary, id) in the requested direction and pages with that key as cursor. */
function orderedConnection<T>(
  items: T[],
  args: Args,
  order: Order,
  key: (item: T) => [number | string, number | string],
  extra?: Record<string, unknown>,
): ConnectionView {
  const desc = order.direction === "DESC";
  const cmp = (a: T, b: T) => {
    const [x1, x2] = key(a);
    const [y1, y2] = key(b);
    const c = x1 < y1 ? -1 : x1 > y1 ? 1 : x2 < y2 ? -1 : x2 > y2 ? 1 : 0;
    return desc ? -c : c;
  };
  const sorted = [...items].sort(cmp);
  return paginate(sorted, args, { key: (item) => key(item) as CursorKey, desc, extra });
}

// ---------------------------------------------------------------------------------------------
// Derived data.
// ---------------------------------------------------------------------------------------------

const FAILING = new Set(["FAILURE", "TIMED_OUT", "CANCELLED", "ACTION_REQUIRED", "STARTUP_FAILURE", "STALE"]);

/** Latest attempt of every workflow run on a commit: re-runs supersede the earlier attempt. */
function latestSuites(r: RepoIndex, oid: string): CheckSuiteRec[] {
  const byRun = new Map<string, CheckSuiteRec>();
  for (const s of r.suitesByCommit.get(oid) ?? []) {
    const key = s.workflowRun
      ? `${s.workflowRun.workflow}:${s.workflowRun.runNumber}`
      : `suite:${s.databaseId}`;
    const prev = byRun.get(key);
    if (!prev || prev.createdAt <= s.createdAt) byRun.set(key, s);
  }
  return [...byRun.values()].sort((a, b) => a.databaseId - b.databaseId);
}

function rollupState(suites: CheckSuiteRec[]): string {
  let pending = false;
  for (const s of suites) {
    for (const run of s.checkRuns) {
      if (run.status !== "COMPLETED") pending = true;
      else if (run.conclusion && FAILING.has(run.conclusion)) return "FAILURE";
    }
  }
  return pending ? "PENDING" : "SUCCESS";
}

function signaturePayload(c: CommitRec): string {
  const stamp = (a: GitActorRec) => `${a.name} <${a.email}> ${Math.floor(ms(a.date) / 1000)} +0000`;
  return [
    `tree ${sha1Hex(`tree:${c.oid}`)}`,
    ...c.parents.map((p) => `parent ${p}`),
    `author ${stamp(c.author)}`,
    `committer ${stamp(c.committer)}`,
    "",
    c.message,
  ].join("\n");
}

function armoredSignature(s: SignatureRec, c: CommitRec): string {
  const body = Buffer.from(sha1Hex(`sig:${c.oid}`) + sha1Hex(`sig2:${c.oid}`), "hex").toString("base64");
  const kind =
    s.typename === "SshSignature"
      ? "SSH SIGNATURE"
      : s.typename === "SmimeSignature"
        ? "SIGNED MESSAGE"
        : "PGP SIGNATURE";
  return `-----BEGIN ${kind}-----\n\n${body}\n-----END ${kind}-----\n`;
}

function timelineItems(r: RepoIndex, p: PullRequestRec): (EventView | ReviewView | PrCommitView)[] {
  const items: { at: string; order: number; view: EventView | ReviewView | PrCommitView }[] = [];
  let order = 0;
  for (const oid of p.commits) {
    const c = r.commitByOid.get(oid);
    items.push({
      at: c?.committer.date ?? p.createdAt,
      order: order++,
      view: { __typename: "PullRequestCommit", r, p, oid },
    });
  }
  for (const v of p.reviews) items.push({ at: v.submittedAt, order: order++, view: reviewView(r, p, v) });
  p.timeline.forEach((e, i) => {
    items.push({ at: e.createdAt, order: order++, view: { __typename: e.type, r, p, e, i } });
  });
  items.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.order - b.order));
  return items.map((x) => x.view);
}

/** `ReviewDismissedEvent` → `REVIEW_DISMISSED_EVENT`, the `itemTypes` spelling. */
function itemTypeOf(typename: string): string {
  return typename.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
}

function revParse(r: RepoIndex, expression: string): CommitView | TagView | null {
  if (expression.includes(":")) {
    throw simError(
      "The simulator has no trees or blobs; `object(expression:)` with a path is not supported.",
      "SIMULATOR_UNSUPPORTED",
    );
  }
  const m = /^(.*?)((?:[~^]\d*)*)$/.exec(expression);
  const base = m?.[1] ?? expression;
  const suffix = m?.[2] ?? "";
  let obj: CommitView | TagView | null = null;
  if (base === "HEAD") obj = commitByOid(r, r.rec.branches[r.rec.defaultBranch]);
  else if (/^[0-9a-f]{40}$/.test(base)) {
    const tag = r.tagByOid.get(base);
    obj = tag ? { __typename: "Tag", r, t: tag } : commitByOid(r, base);
  } else {
    const ref = findRef(r, base);
    if (ref) obj = refTarget(ref);
    else if (/^[0-9a-f]{4,39}$/.test(base)) {
      const hits = r.rec.commits.filter((c) => c.oid.startsWith(base));
      if (hits.length === 1) obj = commitView(r, hits[0]);
    }
  }
  if (!obj || suffix === "") return obj;
  let commit: CommitRec | undefined = obj.__typename === "Tag" ? r.tagCommit(obj.t) : obj.c;
  for (const step of suffix.match(/[~^]\d*/g) ?? []) {
    if (!commit) return null;
    const n = step.length > 1 ? Number(step.slice(1)) : 1;
    if (step[0] === "^") commit = n === 0 ? commit : r.commitByOid.get(commit.parents[n - 1] ?? "");
    else for (let i = 0; i < n && commit; i++) commit = r.commitByOid.get(commit.parents[0] ?? "");
  }
  return commitView(r, commit);
}

// ---------------------------------------------------------------------------------------------
// Resolver table. A (type, field) pair missing here is answered with an error, never with a guess.
// ---------------------------------------------------------------------------------------------

const T: Record<string, Fields<never>> = {};
function define<S>(type: string, fields: Fields<S>): void {
  T[type] = fields as Fields<never>;
}

const dateOf = (r: RepoIndex) => r.rec.createdAt;

define<null>("Query", {
  repository: (_s, a, ctx) => {
    if (ctx.dryRun) return null;
    const owner = str(a, "owner") ?? "";
    const name = str(a, "name") ?? "";
    const r = ctx.index.repo(owner, name);
    if (!r)
      throw simError(`Could not resolve to a Repository with the name '${owner}/${name}'.`, "NOT_FOUND");
    return repoView(r);
  },
  rateLimit: (_s, _a, ctx) => ctx.rate,
  viewer: (_s, _a, ctx) => (ctx.dryRun ? null : { __typename: "User", u: VIEWER }),
  user: (_s, a, ctx) => {
    if (ctx.dryRun) return null;
    const login = str(a, "login") ?? "";
    const u = userView(ctx.index, login);
    if (!u) throw simError(`Could not resolve to a User with the login of '${login}'.`, "NOT_FOUND");
    return u;
  },
  organization: (_s, a, ctx) => {
    if (ctx.dryRun) return null;
    const login = str(a, "login") ?? "";
    if (!ctx.index.scenario.repos.some((r) => r.owner === login)) {
      throw simError(`Could not resolve to an Organization with the login of '${login}'.`, "NOT_FOUND");
    }
    return { __typename: "Organization", login };
  },
  node: (_s, a, ctx) => (ctx.dryRun ? null : resolveNode(ctx.index, str(a, "id") ?? "")),
  nodes: (_s, a, ctx) =>
    ctx.dryRun ? null : (strList(a, "ids") ?? []).map((id) => resolveNode(ctx.index, id)),
});

define<RateLimitView>("RateLimit", {
  cost: (s) => s.cost,
  limit: (s) => s.limit,
  nodeCount: (s) => s.nodeCount,
  remaining: (s) => s.remaining,
  used: (s) => s.used,
  resetAt: (s) => new Date(s.resetAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
});

define<OrgView>("Organization", {
  id: (s) => nodeId("O", s.login),
  login: (s) => s.login,
  name: () => "Acme Corp",
  databaseId: () => 7000,
  url: (s) => `https://github.com/${s.login}`,
  resourcePath: (s) => `/${s.login}`,
});

const actorFields: Fields<ActorView> = {
  id: (s) => nodeId(s.__typename === "Bot" ? "BOT" : "U", s.u.login),
  login: (s) => (s.__typename === "Bot" ? s.u.login.replace(/\[bot\]$/, "") : s.u.login),
  databaseId: (s) => s.u.databaseId,
  url: (s) =>
    `https://github.com/${s.__typename === "Bot" ? `apps/${s.u.login.replace(/\[bot\]$/, "")}` : s.u.login}`,
  resourcePath: (s) => `/${s.u.login}`,
  avatarUrl: (s) => `https://avatars.githubusercontent.com/u/${s.u.databaseId}?v=4`,
};
define<ActorView>("User", {
  ...actorFields,
  name: (s) => s.u.name,
  email: (s) => s.u.email,
  isSiteAdmin: () => false,
});
define<ActorView>("Bot", actorFields);

define<RepoView>("Repository", {
  id: (s) => nodeId("R", s.r.slug),
  databaseId: (s) => s.r.rec.databaseId,
  name: (s) => s.r.rec.name,
  nameWithOwner: (s) => s.r.slug,
  owner: (s) => ({ __typename: "Organization", login: s.r.rec.owner }),
  url: (s) => s.r.url,
  resourcePath: (s) => `/${s.r.slug}`,
  createdAt: (s) => dateOf(s.r),
  isPrivate: () => true,
  isArchived: () => false,
  isFork: () => false,
  isEmpty: (s) => s.r.rec.commits.length === 0,
  visibility: () => "PRIVATE",
  description: (s) => `Acme ${s.r.rec.name} service`,
  defaultBranchRef: (s) => refView(s.r, `refs/heads/${s.r.rec.defaultBranch}`),
  ref: (s, a) => findRef(s.r, str(a, "qualifiedName") ?? ""),
  refs: (s, a) => {
    const prefix = str(a, "refPrefix") ?? "";
    const query = str(a, "query");
    const all = [
      ...Object.keys(s.r.rec.branches).map((b) => `refs/heads/${b}`),
      ...s.r.rec.tags.map((t) => `refs/tags/${t.name}`),
    ];
    const refs = all
      .filter((full) => full.startsWith(prefix) && full.length > prefix.length)
      .filter((full) => !query || full.slice(prefix.length).includes(query))
      .map((full) => ({ __typename: "Ref" as const, r: s.r, full, prefix }));
    const direction =
      (a.orderBy as Order | undefined)?.direction ??
      (str(a, "direction") as Order["direction"] | null) ??
      "ASC";
    const order = orderArg(a, { field: "ALPHABETICAL", direction });
    const commitDate = (ref: RefView): number => {
      const target = refTarget(ref);
      const c = target?.__typename === "Tag" ? s.r.tagCommit(target.t) : target?.c;
      return c ? ms(c.committer.date) : 0;
    };
    return orderedConnection(refs, a, order, (ref) =>
      order.field === "TAG_COMMIT_DATE" ? [commitDate(ref), ref.full] : [ref.full, 0],
    );
  },
  object: (s, a) => {
    const oid = str(a, "oid");
    if (oid) {
      const tag = s.r.tagByOid.get(oid);
      return tag ? { __typename: "Tag", r: s.r, t: tag } : commitByOid(s.r, oid);
    }
    const expression = str(a, "expression");
    return expression ? revParse(s.r, expression) : null;
  },
  pullRequests: (s, a) => {
    const states = strList(a, "states");
    const base = str(a, "baseRefName");
    const head = str(a, "headRefName");
    const labels = strList(a, "labels");
    // The scenario has no labels, so any label filter matches nothing.
    const prs =
      labels && labels.length > 0
        ? []
        : s.r.rec.pullRequests.filter(
            (p) =>
              (!states || states.includes(p.state)) &&
              (!base || p.baseRefName === base) &&
              (!head || p.headRefName === head),
          );
    const order = orderArg(a, { field: "CREATED_AT", direction: "ASC" });
    if (order.field === "COMMENTS") {
      throw simError(
        "The simulator does not model PR comments; order by CREATED_AT or UPDATED_AT.",
        "SIMULATOR_UNSUPPORTED",
      );
    }
    return orderedConnection(
      prs.map((p) => prView(s.r, p)),
      a,
      order,
      (v) => [ms(order.field === "UPDATED_AT" ? v.p.updatedAt : v.p.createdAt), v.p.number],
    );
  },
  pullRequest: (s, a) => {
    const n = a.number as number;
    const p = s.r.prByNumber.get(n);
    if (!p) throw simError(`Could not resolve to a PullRequest with the number of ${n}.`, "NOT_FOUND");
    return prView(s.r, p);
  },
  deployments: (s, a) => {
    const envs = strList(a, "environments");
    const list = s.r.rec.deployments.filter(
      (d) => !envs || envs.length === 0 || envs.includes(d.environment),
    );
    return orderedConnection(
      list.map((d) => deploymentView(s.r, d)),
      a,
      orderArg(a, { field: "CREATED_AT", direction: "ASC" }),
      (v) => [ms(v.d.createdAt), v.d.databaseId],
    );
  },
  environments: (s, a) => {
    const names = strList(a, "names");
    const pinned = str(a, "pinnedEnvironmentFilter");
    const envs = s.r.rec.environments.filter(
      (e) => (!names || names.length === 0 || names.includes(e.name)) && pinned !== "ONLY_PINNED",
    );
    return orderedConnection(
      envs.map((e) => envView(s.r, e)),
      a,
      orderArg(a, { field: "NAME", direction: "ASC" }),
      (v) => [v.e.name, v.e.databaseId],
    );
  },
  environment: (s, a) => {
    const e = s.r.rec.environments.find((x) => x.name === str(a, "name"));
    return e ? envView(s.r, e) : null;
  },
  releases: (s, a) => {
    const order = orderArg(a, { field: "CREATED_AT", direction: "DESC" });
    return orderedConnection(
      s.r.rec.releases.map((rel): ReleaseView => ({ __typename: "Release", r: s.r, rel })),
      a,
      order,
      (v) =>
        order.field === "NAME" ? [v.rel.name, v.rel.databaseId] : [ms(v.rel.createdAt), v.rel.databaseId],
    );
  },
  release: (s, a) => {
    const rel = s.r.releaseByTag.get(str(a, "tagName") ?? "");
    return rel ? { __typename: "Release", r: s.r, rel } : null;
  },
  latestRelease: (s) => {
    const rel = latestRelease(s.r);
    return rel ? { __typename: "Release", r: s.r, rel } : null;
  },
});

function latestRelease(r: RepoIndex): ReleaseRec | undefined {
  let best: ReleaseRec | undefined;
  for (const rel of r.rec.releases) {
    if (rel.isDraft || rel.isPrerelease) continue;
    if (!best || rel.createdAt > best.createdAt) best = rel;
  }
  return best;
}

define<RefView>("Ref", {
  id: (s) => nodeId("REF", s.r.slug, s.full),
  name: (s) => s.full.slice(s.prefix.length),
  prefix: (s) => s.prefix,
  target: (s) => refTarget(s),
  repository: (s) => repoView(s.r),
});

const gitObjectFields = <S extends { r: RepoIndex }>(oidOf: (s: S) => string): Fields<S> => ({
  oid: (s) => oidOf(s),
  abbreviatedOid: (s) => oidOf(s).slice(0, 7),
  commitUrl: (s) => `${s.r.url}/commit/${oidOf(s)}`,
  commitResourcePath: (s) => `/${s.r.slug}/commit/${oidOf(s)}`,
  repository: (s) => repoView(s.r),
});

define<TagView>("Tag", {
  ...gitObjectFields<TagView>((s) => s.t.tagOid as string),
  id: (s) => nodeId("TAG", s.r.slug, s.t.tagOid as string),
  name: (s) => s.t.name,
  message: (s) => s.t.message,
  tagger: (s) => (s.t.tagger ? { __typename: "GitActor", r: s.r, a: s.t.tagger } : null),
  target: (s) => commitByOid(s.r, s.t.target),
});

define<CommitView>("Commit", {
  ...gitObjectFields<CommitView>((s) => s.c.oid),
  id: (s) => nodeId("C", s.r.slug, s.c.oid),
  url: (s) => `${s.r.url}/commit/${s.c.oid}`,
  resourcePath: (s) => `/${s.r.slug}/commit/${s.c.oid}`,
  message: (s) => s.c.message,
  messageHeadline: (s) => s.c.message.split("\n")[0] ?? "",
  messageBody: (s) => {
    const i = s.c.message.indexOf("\n");
    return i < 0 ? "" : s.c.message.slice(i + 1).replace(/^\n+/, "");
  },
  committedDate: (s) => s.c.committer.date,
  authoredDate: (s) => s.c.author.date,
  committedViaWeb: (s) => s.c.committedViaWeb,
  authoredByCommitter: (s) =>
    s.c.author.email === s.c.committer.email && s.c.author.name === s.c.committer.name,
  author: (s) => ({ __typename: "GitActor", r: s.r, a: s.c.author }),
  committer: (s) => ({ __typename: "GitActor", r: s.r, a: s.c.committer }),
  authors: (s, a) => paginate([{ __typename: "GitActor", r: s.r, a: s.c.author }], a),
  onBehalfOf: () => null,
  pushedDate: () => null,
  status: () => null,
  parents: (s, a) =>
    paginate(
      s.c.parents.map((p) => commitByOid(s.r, p)).filter((v) => v !== null),
      a,
    ),
  signature: (s) =>
    s.c.signature ? { __typename: s.c.signature.typename, r: s.r, s: s.c.signature, c: s.c } : null,
  history: (s, a) => {
    if (a.path !== undefined && a.path !== null) {
      throw simError(
        "The simulator has no file trees; `history(path:)` is not supported.",
        "SIMULATOR_UNSUPPORTED",
      );
    }
    const since = str(a, "since");
    const until = str(a, "until");
    const author = a.author as { emails?: string[]; id?: string } | undefined;
    const sinceMs = since ? ms(since) : null;
    const untilMs = until ? ms(until) : null;
    let authorEmails: Set<string> | null = null;
    if (author?.emails) authorEmails = new Set(author.emails.map((e) => e.toLowerCase()));
    if (author?.id) {
      const decoded = decodeNodeId(author.id);
      const u = decoded ? s.r.root.users.get(decoded.parts[0] ?? "") : undefined;
      authorEmails = new Set([...(authorEmails ?? []), ...(u ? [u.email.toLowerCase()] : ["\u0000"])]);
    }
    let list = s.r.history(s.c.oid);
    if (sinceMs !== null || untilMs !== null || authorEmails) {
      list = list.filter((c) => {
        const t = ms(c.committer.date);
        return (
          (sinceMs === null || t >= sinceMs) &&
          (untilMs === null || t <= untilMs) &&
          (!authorEmails || authorEmails.has(c.author.email.toLowerCase()))
        );
      });
    }
    // Cursor = (start commit, position), the shape GitHub's history cursors have: stable for a given start.
    return paginate(
      list.map((c) => commitView(s.r, c)),
      a,
      { key: (_v, i) => [s.c.oid, i] },
    );
  },
  associatedPullRequests: (s, a) => {
    const onDefault = s.r.isOnDefaultBranch(s.c.oid);
    const prs = (s.r.prsByCommit.get(s.c.oid) ?? []).filter(
      (p) => p.state === "MERGED" || (!onDefault && p.state === "OPEN"),
    );
    const order = orderArg(a, { field: "CREATED_AT", direction: "ASC" });
    return orderedConnection(
      prs.map((p) => prView(s.r, p)),
      a,
      order,
      (v) => [ms(order.field === "UPDATED_AT" ? v.p.updatedAt : v.p.createdAt), v.p.number],
    );
  },
  checkSuites: (s, a) => {
    const filter = a.filterBy as { appId?: number; checkName?: string } | undefined;
    let suites = s.r.suitesByCommit.get(s.c.oid) ?? [];
    if (filter?.appId !== undefined && filter.appId !== null)
      suites = filter.appId === GITHUB_ACTIONS.databaseId ? suites : [];
    if (filter?.checkName)
      suites = suites.filter((x) => x.checkRuns.some((run) => run.name === filter.checkName));
    return paginate(
      suites.map((x) => suiteView(s.r, x)),
      a,
    );
  },
  statusCheckRollup: (s) => {
    const suites = latestSuites(s.r, s.c.oid);
    return suites.length === 0 ? null : { __typename: "StatusCheckRollup", r: s.r, c: s.c, suites };
  },
  deployments: (s, a) => {
    const envs = strList(a, "environments");
    const list = (s.r.deploymentsByCommit.get(s.c.oid) ?? []).filter(
      (d) => !envs || envs.length === 0 || envs.includes(d.environment),
    );
    return orderedConnection(
      list.map((d) => deploymentView(s.r, d)),
      a,
      orderArg(a, { field: "CREATED_AT", direction: "ASC" }),
      (v) => [ms(v.d.createdAt), v.d.databaseId],
    );
  },
});

define<GitActorView>("GitActor", {
  name: (s) => s.a.name,
  email: (s) => s.a.email,
  date: (s) => s.a.date,
  user: (s) => userView(s.r.root, s.a.login),
  avatarUrl: (s) => {
    const u = s.a.login ? s.r.root.users.get(s.a.login) : undefined;
    return u
      ? `https://avatars.githubusercontent.com/u/${u.databaseId}?v=4`
      : `https://avatars.githubusercontent.com/u/e?email=${encodeURIComponent(s.a.email)}`;
  },
});

const signatureFields: Fields<SignatureView> = {
  email: (s) => s.s.email,
  isValid: (s) => s.s.isValid,
  payload: (s) => signaturePayload(s.c),
  signature: (s) => armoredSignature(s.s, s.c),
  signer: (s) => userView(s.r.root, s.s.signer),
  state: (s) => s.s.state,
  verifiedAt: (s) => s.s.verifiedAt,
  wasSignedByGitHub: (s) => s.s.wasSignedByGitHub,
};
define<SignatureView>("GpgSignature", { ...signatureFields, keyId: (s) => s.s.keyId });
define<SignatureView>("SshSignature", { ...signatureFields, keyFingerprint: (s) => s.s.keyFingerprint });
define<SignatureView>("SmimeSignature", signatureFields);
define<SignatureView>("UnknownSignature", signatureFields);

define<PrView>("PullRequest", {
  id: (s) => nodeId("PR", s.r.slug, s.p.number),
  number: (s) => s.p.number,
  title: (s) => s.p.title,
  body: (s) => s.p.body,
  url: (s) => `${s.r.url}/pull/${s.p.number}`,
  permalink: (s) => `${s.r.url}/pull/${s.p.number}`,
  resourcePath: (s) => `/${s.r.slug}/pull/${s.p.number}`,
  databaseId: (s) => s.p.databaseId,
  fullDatabaseId: (s) => String(s.p.databaseId),
  author: (s, _a, ctx) => actorView(ctx.index, s.p.author),
  authorAssociation: (s) => s.p.authorAssociation,
  createdAt: (s) => s.p.createdAt,
  updatedAt: (s) => s.p.updatedAt,
  closedAt: (s) => s.p.closedAt,
  mergedAt: (s) => s.p.mergedAt,
  merged: (s) => s.p.state === "MERGED",
  closed: (s) => s.p.state !== "OPEN",
  state: (s) => s.p.state,
  isDraft: (s) => s.p.isDraft,
  locked: () => false,
  mergedBy: (s, _a, ctx) => actorView(ctx.index, s.p.mergedBy),
  mergeCommit: (s) => commitByOid(s.r, s.p.mergeCommit),
  baseRefName: (s) => s.p.baseRefName,
  baseRefOid: (s) => s.p.baseRefOid,
  headRefName: (s) => s.p.headRefName,
  headRefOid: (s) => s.p.headRefOid,
  baseRef: (s) => refView(s.r, `refs/heads/${s.p.baseRefName}`),
  headRef: (s) => refView(s.r, `refs/heads/${s.p.headRefName}`),
  baseRepository: (s) => repoView(s.r),
  headRepository: (s) => repoView(s.r),
  headRepositoryOwner: (s) => ({ __typename: "Organization", login: s.r.rec.owner }),
  repository: (s) => repoView(s.r),
  isCrossRepository: () => false,
  reviewDecision: (s) => s.p.reviewDecision,
  reviews: (s, a) => {
    const states = strList(a, "states");
    const author = str(a, "author");
    const list = s.p.reviews.filter(
      (v) => (!states || states.includes(v.state)) && (!author || v.author === author),
    );
    return paginate(
      list.map((v) => reviewView(s.r, s.p, v)),
      a,
    );
  },
  latestOpinionatedReviews: (s, a) => {
    const latest = new Map<string, ReviewRec>();
    for (const v of s.p.reviews) {
      if (v.author === s.p.author || (v.state !== "APPROVED" && v.state !== "CHANGES_REQUESTED")) continue;
      if (a.writersOnly === true && !v.authorCanPushToRepository) continue;
      latest.set(v.author, v);
    }
    return paginate(
      [...latest.values()].sort((x, y) => x.databaseId - y.databaseId).map((v) => reviewView(s.r, s.p, v)),
      a,
    );
  },
  latestReviews: (s, a) => {
    const latest = new Map<string, ReviewRec>();
    for (const v of s.p.reviews) if (v.state !== "PENDING") latest.set(v.author, v);
    return paginate(
      [...latest.values()].sort((x, y) => x.databaseId - y.databaseId).map((v) => reviewView(s.r, s.p, v)),
      a,
    );
  },
  commits: (s, a) =>
    paginate(
      s.p.commits.map((oid): PrCommitView => ({ __typename: "PullRequestCommit", r: s.r, p: s.p, oid })),
      a,
    ),
  timelineItems: (s, a) => {
    const types = strList(a, "itemTypes");
    const since = str(a, "since");
    const skip = typeof a.skip === "number" ? a.skip : 0;
    let items = timelineItems(s.r, s.p);
    if (types && types.length > 0) items = items.filter((v) => types.includes(itemTypeOf(v.__typename)));
    if (since) items = items.filter((v) => timelineDate(v) >= since);
    const filteredCount = items.length;
    items = items.slice(skip);
    const conn = paginate(items, a, {
      extra: { filteredCount, pageCount: items.length, updatedAt: s.p.updatedAt },
    });
    return { ...conn, totalCount: filteredCount };
  },
  potentialMergeCommit: (s) => {
    if (s.p.state !== "OPEN") return null;
    throw simError(
      "The simulator does not compute test merge commits for open PRs.",
      "SIMULATOR_UNSUPPORTED",
    );
  },
});

function timelineDate(v: EventView | ReviewView | PrCommitView): string {
  if (v.__typename === "PullRequestReview") return v.v.submittedAt;
  if (v.__typename === "PullRequestCommit")
    return v.r.commitByOid.get(v.oid)?.committer.date ?? v.p.createdAt;
  return v.e.createdAt;
}

define<ReviewView>("PullRequestReview", {
  id: (s) => nodeId("PRR", s.r.slug, s.v.databaseId),
  databaseId: (s) => s.v.databaseId,
  fullDatabaseId: (s) => String(s.v.databaseId),
  author: (s, _a, ctx) => actorView(ctx.index, s.v.author),
  authorAssociation: (s) => s.v.authorAssociation,
  authorCanPushToRepository: (s) => s.v.authorCanPushToRepository,
  state: (s) => s.v.state,
  body: (s) => s.v.body,
  submittedAt: (s) => s.v.submittedAt,
  createdAt: (s) => s.v.createdAt,
  publishedAt: (s) => s.v.submittedAt,
  updatedAt: (s) => s.v.submittedAt,
  lastEditedAt: () => null,
  commit: (s) => commitByOid(s.r, s.v.commit),
  pullRequest: (s) => prView(s.r, s.p),
  repository: (s) => repoView(s.r),
  url: (s) => `${s.r.url}/pull/${s.p.number}#pullrequestreview-${s.v.databaseId}`,
  isMinimized: () => false,
  onBehalfOf: (_s, a) => paginate([], a),
});

define<PrCommitView>("PullRequestCommit", {
  id: (s) => nodeId("PURC", s.r.slug, s.p.number, s.oid),
  commit: (s) => commitByOid(s.r, s.oid),
  pullRequest: (s) => prView(s.r, s.p),
  url: (s) => `${s.r.url}/pull/${s.p.number}/commits/${s.oid}`,
  resourcePath: (s) => `/${s.r.slug}/pull/${s.p.number}/commits/${s.oid}`,
});

const eventFields: Fields<EventView> = {
  id: (s) => nodeId("EV", s.r.slug, s.p.number, s.i),
  actor: (s, _a, ctx) => actorView(ctx.index, s.e.actor),
  createdAt: (s) => s.e.createdAt,
  pullRequest: (s) => prView(s.r, s.p),
};
const ev = <K extends TimelineRec["type"]>(s: EventView) => s.e as Extract<TimelineRec, { type: K }>;
define<EventView>("ReviewRequestedEvent", {
  ...eventFields,
  requestedReviewer: (s, _a, ctx) => userView(ctx.index, ev<"ReviewRequestedEvent">(s).requestedReviewer),
});
define<EventView>("ReviewDismissedEvent", {
  ...eventFields,
  // Unique per repository (its databaseId encodes the repository index), PR and timeline position.
  databaseId: (s) => 600_000_000 + (s.r.rec.databaseId % 1000) * 1_000_000 + s.p.number * 100 + s.i,
  dismissalMessage: (s) => ev<"ReviewDismissedEvent">(s).dismissalMessage,
  previousReviewState: (s) => ev<"ReviewDismissedEvent">(s).previousReviewState,
  review: (s) => {
    const hit = s.r.reviewById.get(ev<"ReviewDismissedEvent">(s).reviewDatabaseId);
    return hit ? reviewView(s.r, hit.pr, hit.review) : null;
  },
  pullRequestCommit: (s) => {
    const oid = ev<"ReviewDismissedEvent">(s).pullRequestCommit;
    return oid ? { __typename: "PullRequestCommit", r: s.r, p: s.p, oid } : null;
  },
  url: (s) => `${s.r.url}/pull/${s.p.number}#event-${s.i}`,
  resourcePath: (s) => `/${s.r.slug}/pull/${s.p.number}#event-${s.i}`,
});
define<EventView>("HeadRefForcePushedEvent", {
  ...eventFields,
  beforeCommit: (s) => commitByOid(s.r, ev<"HeadRefForcePushedEvent">(s).beforeCommit),
  afterCommit: (s) => commitByOid(s.r, ev<"HeadRefForcePushedEvent">(s).afterCommit),
  ref: (s) => refView(s.r, `refs/heads/${s.p.headRefName}`),
});
define<EventView>("MergedEvent", {
  ...eventFields,
  commit: (s) => commitByOid(s.r, ev<"MergedEvent">(s).commit),
  mergeRefName: (s) => ev<"MergedEvent">(s).mergeRefName,
  mergeRef: (s) => refView(s.r, `refs/heads/${ev<"MergedEvent">(s).mergeRefName}`),
  url: (s) => `${s.r.url}/pull/${s.p.number}#event-${s.i}`,
  resourcePath: (s) => `/${s.r.slug}/pull/${s.p.number}#event-${s.i}`,
});
define<EventView>("ClosedEvent", {
  ...eventFields,
  closable: (s) => prView(s.r, s.p),
  closer: () => null,
  stateReason: () => null,
  url: (s) => `${s.r.url}/pull/${s.p.number}#event-${s.i}`,
  resourcePath: (s) => `/${s.r.slug}/pull/${s.p.number}#event-${s.i}`,
});

const GITHUB_ACTIONS = { databaseId: 15368, name: "GitHub Actions", slug: "github-actions" };
define<null>("App", {
  id: () => nodeId("A", GITHUB_ACTIONS.slug),
  databaseId: () => GITHUB_ACTIONS.databaseId,
  name: () => GITHUB_ACTIONS.name,
  slug: () => GITHUB_ACTIONS.slug,
  url: () => "https://github.com/apps/github-actions",
});

define<SuiteView>("CheckSuite", {
  id: (s) => nodeId("CS", s.r.slug, s.s.databaseId),
  databaseId: (s) => s.s.databaseId,
  app: () => ({ __typename: "App" }),
  branch: (s) => (s.s.branch ? refView(s.r, `refs/heads/${s.s.branch}`) : null),
  checkRuns: (s, a) => {
    const f = a.filterBy as
      | { checkName?: string; conclusions?: string[]; status?: string; statuses?: string[] }
      | undefined;
    const runs = s.s.checkRuns.filter(
      (run) =>
        (!f?.checkName || run.name === f.checkName) &&
        (!f?.conclusions || (run.conclusion !== null && f.conclusions.includes(run.conclusion))) &&
        (!f?.status || run.status === f.status) &&
        (!f?.statuses || f.statuses.includes(run.status)),
    );
    return paginate(
      runs.map((run): RunView => ({ __typename: "CheckRun", r: s.r, s: s.s, run })),
      a,
    );
  },
  commit: (s) => commitByOid(s.r, s.s.commit),
  conclusion: (s) => s.s.conclusion,
  status: (s) => s.s.status,
  createdAt: (s) => s.s.createdAt,
  updatedAt: (s) => s.s.updatedAt,
  creator: (s, _a, ctx) => userView(ctx.index, s.s.creator),
  url: (s) => `${s.r.url}/commit/${s.s.commit}/checks?check_suite_id=${s.s.databaseId}`,
  resourcePath: (s) => `/${s.r.slug}/commit/${s.s.commit}/checks?check_suite_id=${s.s.databaseId}`,
  workflowRun: (s) => workflowRunView(s.r, s.s),
  repository: (s) => repoView(s.r),
});

define<RunView>("CheckRun", {
  id: (s) => nodeId("CR", s.r.slug, s.run.databaseId),
  databaseId: (s) => s.run.databaseId,
  name: (s) => s.run.name,
  status: (s) => s.run.status,
  conclusion: (s) => s.run.conclusion,
  startedAt: (s) => s.run.startedAt,
  completedAt: (s) => s.run.completedAt,
  detailsUrl: (s) => `${s.r.url}/actions/runs/${s.s.workflowRun?.databaseId ?? 0}/job/${s.run.databaseId}`,
  url: (s) => `${s.r.url}/runs/${s.run.databaseId}`,
  permalink: (s) => `${s.r.url}/runs/${s.run.databaseId}`,
  resourcePath: (s) => `/${s.r.slug}/runs/${s.run.databaseId}`,
  externalId: (s) => String(s.run.databaseId),
  title: () => null,
  summary: () => null,
  text: () => null,
  checkSuite: (s) => suiteView(s.r, s.s),
  repository: (s) => repoView(s.r),
  deployment: (s) => {
    const d = s.s.workflowRun ? s.r.deploymentByRunId.get(s.s.workflowRun.databaseId) : undefined;
    return d ? deploymentView(s.r, d) : null;
  },
  pendingDeploymentRequest: () => null,
});

define<WorkflowRunView>("WorkflowRun", {
  id: (s) => nodeId("WFR", s.r.slug, s.w.databaseId),
  databaseId: (s) => s.w.databaseId,
  runNumber: (s) => s.w.runNumber,
  event: (s) => s.w.event,
  createdAt: (s) => s.w.createdAt,
  updatedAt: (s) => s.w.updatedAt,
  url: (s) => `${s.r.url}/actions/runs/${s.w.databaseId}`,
  resourcePath: (s) => `/${s.r.slug}/actions/runs/${s.w.databaseId}`,
  checkSuite: (s) => suiteView(s.r, s.s),
  workflow: (s): WorkflowView => ({ __typename: "Workflow", r: s.r, wf: workflowOf(s.r, s.w) }),
  file: (s): WorkflowFileView => ({
    __typename: "WorkflowRunFile",
    r: s.r,
    wf: workflowOf(s.r, s.w),
    w: s.w,
  }),
  deploymentReviews: (s, a) =>
    paginate(
      s.w.deploymentReviews.map(
        (dr): DeploymentReviewView => ({ __typename: "DeploymentReview", r: s.r, dr }),
      ),
      a,
    ),
  // Every generated deployment has been decided; nothing is left waiting.
  pendingDeploymentRequests: (_s, a) => paginate([], a),
});

define<WorkflowView>("Workflow", {
  id: (s) => nodeId("W", s.r.slug, s.wf.databaseId),
  databaseId: (s) => s.wf.databaseId,
  name: (s) => s.wf.name,
  state: () => "ACTIVE",
  createdAt: (s) => dateOf(s.r),
  updatedAt: (s) => dateOf(s.r),
  url: (s) => `${s.r.url}/actions/workflows/${s.wf.path.split("/").pop()}`,
  resourcePath: (s) => `/${s.r.slug}/actions/workflows/${s.wf.path.split("/").pop()}`,
});

define<WorkflowFileView>("WorkflowRunFile", {
  id: (s) => nodeId("WF", s.r.slug, s.w.databaseId),
  path: (s) => s.wf.path,
  url: (s) => `${s.r.url}/blob/main/${s.wf.path}`,
  repositoryFileUrl: (s) => `${s.r.url}/blob/main/${s.wf.path}`,
  repositoryName: (s) => s.r.slug,
  resourcePath: (s) => `/${s.r.slug}/blob/main/${s.wf.path}`,
  run: (s) => {
    const suite = s.r.suiteByRunId.get(s.w.databaseId);
    return suite ? workflowRunView(s.r, suite) : null;
  },
});

define<DeploymentReviewView>("DeploymentReview", {
  id: (s) => nodeId("DR", s.r.slug, s.dr.databaseId),
  databaseId: (s) => s.dr.databaseId,
  state: (s) => s.dr.state,
  comment: (s) => s.dr.comment,
  user: (s, _a, ctx) => userView(ctx.index, s.dr.user),
  environments: (s, a) =>
    paginate(
      s.dr.environments
        .map((name) => s.r.rec.environments.find((e) => e.name === name))
        .filter((e): e is EnvironmentRec => e !== undefined)
        .map((e) => envView(s.r, e)),
      a,
    ),
});

define<EnvironmentView>("Environment", {
  id: (s) => nodeId("EN", s.r.slug, s.e.databaseId),
  databaseId: (s) => s.e.databaseId,
  name: (s) => s.e.name,
  isPinned: () => false,
  pinnedPosition: () => null,
  protectionRules: (s, a) =>
    paginate(
      s.e.protectionRules.map((rule): RuleView => ({ __typename: "DeploymentProtectionRule", r: s.r, rule })),
      a,
    ),
  latestCompletedDeployment: (s) => {
    let best: DeploymentRec | undefined;
    for (const d of s.r.rec.deployments) {
      if (d.environment !== s.e.name) continue;
      const last = d.statuses.find(
        (st) => st.state === "SUCCESS" || st.state === "FAILURE" || st.state === "ERROR",
      );
      if (last && (!best || d.createdAt >= best.createdAt)) best = d;
    }
    return best ? deploymentView(s.r, best) : null;
  },
});

define<RuleView>("DeploymentProtectionRule", {
  databaseId: (s) => s.rule.databaseId,
  type: (s) => s.rule.type,
  timeout: (s) => s.rule.timeout,
  preventSelfReview: (s) => s.rule.preventSelfReview,
  reviewers: (s, a, ctx) =>
    paginate(
      s.rule.reviewers
        .map((rv): TeamView | ActorView | null => {
          if (rv.type === "User") return userView(ctx.index, rv.login);
          const t = ctx.index.teams.get(rv.slug);
          return t ? { __typename: "Team", t } : null;
        })
        .filter((v) => v !== null),
      a,
    ),
});

define<TeamView>("Team", {
  id: (s) => nodeId("T", s.t.slug),
  databaseId: (s) => s.t.databaseId,
  slug: (s) => s.t.slug,
  name: (s) => s.t.name,
  combinedSlug: (s) => `acme/${s.t.slug}`,
  url: (s) => `https://github.com/orgs/acme/teams/${s.t.slug}`,
  resourcePath: (s) => `/orgs/acme/teams/${s.t.slug}`,
  organization: () => ({ __typename: "Organization", login: "acme" }),
});

define<DeploymentView>("Deployment", {
  id: (s) => nodeId("DE", s.r.slug, s.d.databaseId),
  databaseId: (s) => s.d.databaseId,
  environment: (s) => s.d.environment,
  originalEnvironment: (s) => s.d.originalEnvironment,
  latestEnvironment: (s) => s.d.environment,
  state: (s) => s.d.state,
  task: (s) => s.d.task,
  description: (s) => s.d.description,
  payload: (s) => s.d.payload,
  createdAt: (s) => s.d.createdAt,
  updatedAt: (s) => s.d.updatedAt,
  commitOid: (s) => s.d.sha,
  commit: (s) => commitByOid(s.r, s.d.sha),
  ref: (s) => (s.d.ref ? findRef(s.r, s.d.ref) : null),
  creator: (s, _a, ctx) => actorView(ctx.index, s.d.creator),
  repository: (s) => repoView(s.r),
  latestStatus: (s) => {
    const st = s.d.statuses[s.d.statuses.length - 1];
    return st ? { __typename: "DeploymentStatus", r: s.r, d: s.d, st } : null;
  },
  // Newest first, the order GitHub lists deployment statuses in.
  statuses: (s, a) =>
    paginate(
      [...s.d.statuses]
        .reverse()
        .map((st): StatusView => ({ __typename: "DeploymentStatus", r: s.r, d: s.d, st })),
      a,
    ),
});

define<StatusView>("DeploymentStatus", {
  id: (s) => nodeId("DES", s.r.slug, s.st.databaseId),
  state: (s) => s.st.state,
  description: (s) => s.st.description,
  environment: (s) => s.st.environment,
  environmentUrl: (s) => s.st.environmentUrl,
  logUrl: (s) => s.st.logUrl,
  createdAt: (s) => s.st.createdAt,
  updatedAt: (s) => s.st.updatedAt,
  creator: (s, _a, ctx) => actorView(ctx.index, s.st.creator),
  deployment: (s) => deploymentView(s.r, s.d),
});

define<ReleaseView>("Release", {
  id: (s) => nodeId("RE", s.r.slug, s.rel.databaseId),
  databaseId: (s) => s.rel.databaseId,
  tagName: (s) => s.rel.tagName,
  tag: (s) => refView(s.r, `refs/tags/${s.rel.tagName}`),
  tagCommit: (s) => {
    const tag = s.r.tagByName.get(s.rel.tagName);
    return tag ? commitByOid(s.r, tag.target) : null;
  },
  name: (s) => s.rel.name,
  description: (s) => s.rel.description,
  createdAt: (s) => s.rel.createdAt,
  publishedAt: (s) => s.rel.publishedAt,
  updatedAt: (s) => s.rel.updatedAt,
  isPrerelease: (s) => s.rel.isPrerelease,
  isDraft: (s) => s.rel.isDraft,
  isLatest: (s) => latestRelease(s.r) === s.rel,
  url: (s) => `${s.r.url}/releases/tag/${s.rel.tagName}`,
  resourcePath: (s) => `/${s.r.slug}/releases/tag/${s.rel.tagName}`,
  author: (s, _a, ctx) => userView(ctx.index, s.rel.author),
  repository: (s) => repoView(s.r),
  releaseAssets: (_s, a) => paginate([], a),
});

define<RollupView>("StatusCheckRollup", {
  id: (s) => nodeId("SCR", s.r.slug, s.c.oid),
  state: (s) => rollupState(s.suites),
  commit: (s) => commitView(s.r, s.c),
  contexts: (s, a) => {
    const runs = s.suites.flatMap((suite) =>
      suite.checkRuns.map((run): RunView => ({ __typename: "CheckRun", r: s.r, s: suite, run })),
    );
    const counts = new Map<string, number>();
    for (const v of runs) {
      const state = v.run.status === "COMPLETED" ? (v.run.conclusion ?? "COMPLETED") : v.run.status;
      counts.set(state, (counts.get(state) ?? 0) + 1);
    }
    return paginate(runs, a, {
      extra: {
        checkRunCount: runs.length,
        statusContextCount: 0,
        checkRunCountsByState: [...counts].map(
          ([state, count]): CountView => ({ __typename: "CheckRunStateCount", state, count }),
        ),
        statusContextCountsByState: [],
      },
    });
  },
});

define<CountView>("CheckRunStateCount", { state: (s) => s.state, count: (s) => s.count });

// ---------------------------------------------------------------------------------------------
// node(id)
// ---------------------------------------------------------------------------------------------

function decodeNodeId(id: string): { prefix: string; parts: string[] } | null {
  const m = /^([A-Z]+)_([A-Za-z0-9_-]+)$/.exec(id);
  if (!m) return null;
  return {
    prefix: m[1] as string,
    parts: Buffer.from(m[2] as string, "base64url")
      .toString("utf8")
      .split(":"),
  };
}

function resolveNode(index: ScenarioIndex, id: string): unknown {
  const decoded = decodeNodeId(id);
  if (!decoded) return null;
  const { prefix, parts } = decoded;
  if (prefix === "U" || prefix === "BOT") return actorView(index, parts[0]);
  if (prefix === "O") return { __typename: "Organization", login: parts[0] };
  const [slug, key] = parts;
  const [owner, name] = (slug ?? "").split("/");
  const r = index.repo(owner ?? "", name ?? "");
  if (!r) return null;
  const num = Number(key);
  switch (prefix) {
    case "R":
      return repoView(r);
    case "C":
      return commitByOid(r, key);
    case "TAG": {
      const t = r.tagByOid.get(key ?? "");
      return t ? { __typename: "Tag", r, t } : null;
    }
    case "REF":
      return findRef(r, parts.slice(1).join(":"));
    case "PR": {
      const p = r.prByNumber.get(num);
      return p ? prView(r, p) : null;
    }
    case "PRR": {
      const hit = r.reviewById.get(num);
      return hit ? reviewView(r, hit.pr, hit.review) : null;
    }
    case "CS": {
      const s = r.suiteById.get(num);
      return s ? suiteView(r, s) : null;
    }
    case "WFR": {
      const s = r.suiteByRunId.get(num);
      return s ? workflowRunView(r, s) : null;
    }
    case "DE": {
      const d = r.deploymentById.get(num);
      return d ? deploymentView(r, d) : null;
    }
    case "RE": {
      const rel = r.rec.releases.find((x) => x.databaseId === num);
      return rel ? { __typename: "Release", r, rel } : null;
    }
    case "EN": {
      const e = r.rec.environments.find((x) => x.databaseId === num);
      return e ? envView(r, e) : null;
    }
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------
// graphql-js hooks.
// ---------------------------------------------------------------------------------------------

const CONNECTION_FIELDS: Fields<ConnectionView> = {
  totalCount: (s) => s.totalCount,
  nodes: (s) => s.nodes,
  edges: (s) => s.nodes.map((node, i) => ({ __edge: true, cursor: s.cursors[i], node })),
  pageInfo: (s) => s.pageInfo,
};

function isPartialEligible(field: GraphQLField<unknown, unknown>, info: GraphQLResolveInfo): boolean {
  if (isNonNullType(field.type) || info.path.prev === undefined) return false;
  const t = getNullableType(field.type);
  return isListType(t) || isCompositeType(t);
}

export const fieldResolver: GraphQLFieldResolver<unknown, SimContext> = (source, args, ctx, info) => {
  if (ctx.forbidden?.size) {
    const needs = GUARDED_FIELDS[`${info.parentType.name}.${info.fieldName}`];
    if (needs && ctx.forbidden.has(needs)) throw forbiddenError();
    if (info.fieldName === "node" || info.fieldName === "nodes") {
      const found = resolveField(source, args, ctx, info);
      const denied = (v: unknown) => {
        const t = (v as { __typename?: string } | null)?.__typename;
        return t !== undefined && ctx.forbidden!.has(GUARDED_NODES[t] as Permission);
      };
      if (Array.isArray(found) ? found.some(denied) : denied(found)) throw forbiddenError();
      return found;
    }
  }
  return resolveField(source, args, ctx, info);
};

const resolveField: GraphQLFieldResolver<unknown, SimContext> = (source, args, ctx, info) => {
  const typeName = info.parentType.name;
  const field = info.fieldName;
  if (ctx.partial) {
    const def = info.parentType.getFields()[field];
    if (def && isPartialEligible(def, info) && ctx.partial.seen++ === ctx.partial.target) {
      throw simError("Resource limits for this query exceeded.", "RESOURCE_LIMITS_EXCEEDED");
    }
  }
  if (isConnectionView(source)) {
    const fn = CONNECTION_FIELDS[field];
    if (fn) return fn(source, args, ctx, info);
    if (field in source.extra) return source.extra[field];
  } else if (
    typeName.endsWith("Edge") &&
    typeof source === "object" &&
    source !== null &&
    "__edge" in source
  ) {
    if (field === "cursor" || field === "node") return (source as Record<string, unknown>)[field];
  } else if (typeName === "PageInfo") {
    return (source as Record<string, unknown>)[field];
  } else {
    const fn = T[typeName]?.[field];
    if (fn) return (fn as Resolver<unknown>)(source, args, ctx, info);
  }
  throw simError(
    `The GitHub simulator does not implement \`${typeName}.${field}\`.`,
    "SIMULATOR_NOT_IMPLEMENTED",
  );
};

export const typeResolver: GraphQLTypeResolver<unknown, SimContext> = (value) =>
  typeof value === "object" && value !== null
    ? ((value as { __typename?: string }).__typename ?? undefined)
    : undefined;

/** The (type, field) pairs the simulator answers, for documentation and tests. */
export function implementedFields(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [type, fields] of Object.entries(T)) out[type] = Object.keys(fields).sort();
  out["*Connection"] = Object.keys(CONNECTION_FIELDS);
  return out;
}
