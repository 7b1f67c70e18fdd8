import type {
  CheckSuiteRec,
  CommitRec,
  DeploymentRec,
  PullRequestRec,
  ReleaseRec,
  RepoRec,
  ReviewRec,
  Scenario,
  TagRec,
  TeamRec,
  UserRec,
} from "./scenario.ts";

/** The token owner: `viewer` resolves to this account. */
export const VIEWER: UserRec = {
  login: "lineage-sync",
  databaseId: 990001,
  name: "Lineage Sync",
  email: "lineage-sync@acme.example",
  type: "User",
  canPush: false,
  association: "NONE",
};

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Lookup tables over one repository of the scenario; rebuilt whenever the scenario advances. */
export class RepoIndex {
  readonly slug: string;
  readonly url: string;
  readonly commitByOid = new Map<string, CommitRec>();
  readonly prByNumber = new Map<number, PullRequestRec>();
  readonly prsByCommit = new Map<string, PullRequestRec[]>();
  readonly suitesByCommit = new Map<string, CheckSuiteRec[]>();
  readonly suiteById = new Map<number, CheckSuiteRec>();
  readonly suiteByRunId = new Map<number, CheckSuiteRec>();
  readonly deploymentsByCommit = new Map<string, DeploymentRec[]>();
  readonly deploymentById = new Map<number, DeploymentRec>();
  readonly deploymentByRunId = new Map<number, DeploymentRec>();
  readonly tagByName = new Map<string, TagRec>();
  readonly tagByOid = new Map<string, TagRec>();
  readonly releaseByTag = new Map<string, ReleaseRec>();
  readonly reviewById = new Map<number, { pr: PullRequestRec; review: ReviewRec }>();
  private mainReach: Uint8Array | null = null;
  private readonly historyCache = new Map<string, CommitRec[]>();

  constructor(
    readonly rec: RepoRec,
    readonly root: ScenarioIndex,
  ) {
    this.slug = `${rec.owner}/${rec.name}`;
    this.url = `https://github.com/${this.slug}`;
    for (const c of rec.commits) this.commitByOid.set(c.oid, c);
    for (const pr of rec.pullRequests) {
      this.prByNumber.set(pr.number, pr);
      for (const r of pr.reviews) this.reviewById.set(r.databaseId, { pr, review: r });
      if (pr.state === "CLOSED") continue;
      for (const oid of pr.commits) push(this.prsByCommit, oid, pr);
      if (pr.mergeCommit && !pr.commits.includes(pr.mergeCommit)) push(this.prsByCommit, pr.mergeCommit, pr);
    }
    for (const s of rec.checkSuites) {
      push(this.suitesByCommit, s.commit, s);
      this.suiteById.set(s.databaseId, s);
      if (s.workflowRun) this.suiteByRunId.set(s.workflowRun.databaseId, s);
    }
    for (const d of rec.deployments) {
      push(this.deploymentsByCommit, d.sha, d);
      this.deploymentById.set(d.databaseId, d);
      if (d.workflowRunId !== null) this.deploymentByRunId.set(d.workflowRunId, d);
    }
    for (const t of rec.tags) {
      this.tagByName.set(t.name, t);
      if (t.tagOid) this.tagByOid.set(t.tagOid, t);
    }
    for (const r of rec.releases) this.releaseByTag.set(r.tagName, r);
  }

  private reach(oid: string): Uint8Array {
    const marks = new Uint8Array(this.rec.commits.length);
    const stack = [oid];
    while (stack.length > 0) {
      const c = this.commitByOid.get(stack.pop() as string);
      if (!c || marks[c.seq]) continue;
      marks[c.seq] = 1;
      for (const p of c.parents) stack.push(p);
    }
    return marks;
  }

  isOnDefaultBranch(oid: string): boolean {
    const head = this.rec.branches[this.rec.defaultBranch];
    if (!head) return false;
    this.mainReach ??= this.reach(head);
    const c = this.commitByOid.get(oid);
    return c !== undefined && this.mainReach[c.seq] === 1;
  }

  /** `git log <oid>` order. Commit dates never decrease with `seq`, so reverse creation order is it. */
  history(oid: string): CommitRec[] {
    let list = this.historyCache.get(oid);
    if (!list) {
      const marks = this.reach(oid);
      list = [];
      for (let i = this.rec.commits.length - 1; i >= 0; i--)
        if (marks[i]) list.push(this.rec.commits[i] as CommitRec);
      if (this.historyCache.size > 64) this.historyCache.clear();
      this.historyCache.set(oid, list);
    }
    return list;
  }

  /** The commit a tag finally points at. */
  tagCommit(tag: TagRec): CommitRec | undefined {
    return this.commitByOid.get(tag.target);
  }
}

export class ScenarioIndex {
  readonly repos = new Map<string, RepoIndex>();
  readonly users = new Map<string, UserRec>();
  readonly usersByEmail = new Map<string, UserRec>();
  readonly teams = new Map<string, TeamRec>();

  constructor(readonly scenario: Scenario) {
    for (const u of [...scenario.users, VIEWER]) {
      this.users.set(u.login, u);
      this.usersByEmail.set(u.email.toLowerCase(), u);
    }
    for (const t of scenario.teams) this.teams.set(t.slug, t);
    for (const r of scenario.repos)
      this.repos.set(`${r.owner}/${r.name}`.toLowerCase(), new RepoIndex(r, this));
  }

  repo(owner: string, name: string): RepoIndex | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }
}
