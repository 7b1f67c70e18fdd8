import { describe, expect, it } from "vitest";
import {
  advanceScenario,
  ancestorsOf,
  createScenario,
  type DeploymentRec,
  type RepoRec,
  type Scenario,
  scenarioSummary,
} from "./scenario.ts";

const small = () => createScenario({ seed: 42, size: "small" });

function prodDeployments(repo: RepoRec): DeploymentRec[] {
  return repo.deployments.filter((d) => d.environment === "prod");
}

describe("createScenario", () => {
  it("is deterministic by seed and differs across seeds", () => {
    const a = small();
    const b = small();
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const c = createScenario({ seed: 43, size: "small" });
    expect(c.repos[0]?.commits[1]?.oid).not.toBe(a.repos[0]?.commits[1]?.oid);
  });

  it("is plain JSON data", () => {
    const s = small();
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it("has the small size and the acme repositories", () => {
    const s = small();
    const sum = scenarioSummary(s);
    expect(s.repos.map((r) => `${r.owner}/${r.name}`)).toEqual(["acme/shop", "acme/api", "acme/web"]);
    expect(sum.commits).toBeGreaterThanOrEqual(180);
    expect(sum.commits).toBeLessThan(300);
    expect(sum.pullRequests).toBeGreaterThanOrEqual(36);
    expect(sum.deployments).toBeGreaterThanOrEqual(45);
  });

  it("builds a consistent commit DAG with 40-hex SHAs and monotonic commit dates", () => {
    for (const repo of small().repos) {
      const seen = new Map<string, number>();
      let lastDate = "";
      for (const c of repo.commits) {
        expect(c.oid).toMatch(/^[0-9a-f]{40}$/);
        expect(seen.has(c.oid)).toBe(false);
        for (const p of c.parents) expect(seen.get(p)).toBeLessThan(c.seq);
        expect(c.committer.date >= lastDate).toBe(true);
        lastDate = c.committer.date;
        seen.set(c.oid, c.seq);
      }
      const main = repo.branches.main as string;
      const test = repo.branches.test as string;
      expect(Object.keys(repo.branches)).toEqual(expect.arrayContaining(["main", "test"]));
      // Merge commits with two parents exist and main is fed from test.
      expect(repo.commits.some((c) => c.parents.length === 2)).toBe(true);
      expect(ancestorsOf(repo, main).size).toBeGreaterThan(5);
      expect(ancestorsOf(repo, test).size).toBeGreaterThan(5);
    }
  });

  it("plants every audit-relevant situation", () => {
    const s = small();
    const kinds = new Set(s.events.map((e) => e.kind));
    for (const k of [
      "rollback",
      "untested-prod-deploy",
      "red-ci-deployed",
      "self-approved-deploy",
      "rejected-deploy",
      "self-approval-attempt",
      "stale-approval",
      "dismissed-review",
      "unreviewed-merge",
      "readonly-approval",
      "force-push",
      "closed-pr",
      "direct-push",
      "bot-pr",
      "ci-rerun",
      "xss-title",
      "csv-injection-text",
      "quoted-branch",
    ] as const) {
      expect(kinds, k).toContain(k);
    }
    const shop = s.repos[0] as RepoRec;
    expect(shop.pullRequests.some((p) => p.title.includes("<img src=x onerror=alert(1)>"))).toBe(true);
    expect(shop.commits.some((c) => c.message.includes("=cmd|' /C calc'!A0"))).toBe(true);
    expect(shop.pullRequests.some((p) => p.headRefName === 'feature/"quoted"')).toBe(true);
    expect(s.repos.some((r) => r.pullRequests.some((p) => p.author === "dependabot[bot]"))).toBe(true);
  });

  it("covers the signature states", () => {
    const sigs = small().repos.flatMap((r) => r.commits.map((c) => c.signature));
    const states = new Set(sigs.map((g) => (g ? `${g.typename}:${g.state}` : "unsigned")));
    for (const s of [
      "unsigned",
      "GpgSignature:VALID",
      "SshSignature:VALID",
      "GpgSignature:INVALID",
      "GpgSignature:UNKNOWN_KEY",
      "GpgSignature:GPGVERIFY_UNAVAILABLE",
      "SmimeSignature:OCSP_PENDING",
    ]) {
      expect(states, s).toContain(s);
    }
    expect(sigs.some((g) => g?.wasSignedByGitHub && g.signer === "web-flow")).toBe(true);
  });

  it("models reviews, dismissals and stale approvals consistently", () => {
    const s = small();
    const shop = s.repos[0] as RepoRec;
    const byNumber = new Map(shop.pullRequests.map((p) => [p.number, p]));
    const stale = s.events.find((e) => e.kind === "stale-approval" && e.repo === "acme/shop");
    const stalePr = byNumber.get(stale?.pr ?? -1);
    expect(stalePr?.reviews.some((r) => r.state === "APPROVED" && r.commit !== stalePr.headRefOid)).toBe(
      true,
    );
    expect(stalePr?.reviews.some((r) => r.state === "APPROVED" && r.commit === stalePr.headRefOid)).toBe(
      false,
    );

    const dismissed = s.events.find((e) => e.kind === "dismissed-review" && e.repo === "acme/shop");
    const dpr = byNumber.get(dismissed?.pr ?? -1);
    const event = dpr?.timeline.find((t) => t.type === "ReviewDismissedEvent");
    expect(event && event.type === "ReviewDismissedEvent" && event.previousReviewState).toBe("APPROVED");
    expect(dpr?.reviews.some((r) => r.state === "DISMISSED")).toBe(true);

    const self = s.events.find((e) => e.kind === "self-approval-attempt" && e.repo === "acme/shop");
    const spr = byNumber.get(self?.pr ?? -1);
    expect(spr?.reviews.filter((r) => r.author === spr.author).map((r) => r.state)).toEqual(["COMMENTED"]);
    expect(spr?.reviewDecision).toBe("REVIEW_REQUIRED");
    // About two reviews per PR on average.
    const reviews = s.repos.flatMap((r) => r.pullRequests.map((p) => p.reviews.length));
    expect(reviews.reduce((a, b) => a + b, 0) / reviews.length).toBeGreaterThan(1);
  });

  it("models deployments: rollback, untested prod deploy, INACTIVE after a later success", () => {
    const s = small();
    const shop = s.repos[0] as RepoRec;
    const rollback = s.events.find((e) => e.kind === "rollback");
    expect(rollback?.repo).toBe("acme/shop");
    const prod = prodDeployments(shop);
    const i = prod.findIndex((d) => d.databaseId === rollback?.deployment);
    const before = prod[i - 1] as DeploymentRec;
    const back = prod[i] as DeploymentRec;
    expect(back.sha).not.toBe(before.sha);
    expect(ancestorsOf(shop, before.sha).has(back.sha)).toBe(true);

    const untested = s.events.find((e) => e.kind === "untested-prod-deploy");
    const repo = s.repos.find((r) => `${r.owner}/${r.name}` === untested?.repo) as RepoRec;
    expect(
      repo.deployments.filter((d) => d.environment === "test").some((d) => d.sha === untested?.sha),
    ).toBe(false);
    expect(prodDeployments(repo).some((d) => d.sha === untested?.sha)).toBe(true);

    const inactive = shop.deployments.filter((d) => d.state === "INACTIVE");
    expect(inactive.length).toBeGreaterThan(0);
    for (const d of inactive) expect(d.statuses.map((x) => x.state)).toContain("SUCCESS");
    const active = shop.deployments.filter((d) => d.state === "ACTIVE").map((d) => d.environment);
    expect(new Set(active).size).toBe(active.length);

    const rejected = s.events.find((e) => e.kind === "rejected-deploy");
    const rrepo = s.repos.find((r) => `${r.owner}/${r.name}` === rejected?.repo) as RepoRec;
    const rdep = rrepo.deployments.find((d) => d.databaseId === rejected?.deployment) as DeploymentRec;
    expect(rdep.state).toBe("FAILURE");
    const run = rrepo.checkSuites.find((x) => x.workflowRun?.databaseId === rdep.workflowRunId);
    expect(run?.workflowRun?.deploymentReviews[0]?.state).toBe("REJECTED");

    const selfApproved = s.events.find((e) => e.kind === "self-approved-deploy");
    const sdep = shop.deployments.find((d) => d.databaseId === selfApproved?.deployment) as DeploymentRec;
    const srun = shop.checkSuites.find((x) => x.workflowRun?.databaseId === sdep.workflowRunId);
    expect(srun?.workflowRun?.deploymentReviews[0]?.user).toBe(sdep.creator);
    expect(shop.environments.find((e) => e.name === "prod")?.protectionRules.map((r) => r.type)).toEqual([
      "REQUIRED_REVIEWERS",
      "WAIT_TIMER",
    ]);
  });

  it("has annotated and lightweight tags and releases", () => {
    const s = small();
    const tags = s.repos.flatMap((r) => r.tags);
    expect(tags.some((t) => t.kind === "annotated" && t.tagOid && t.tagger)).toBe(true);
    expect(tags.some((t) => t.kind === "lightweight" && t.tagOid === null)).toBe(true);
    expect(s.repos.some((r) => r.releases.length > 0)).toBe(true);
    expect(s.repos.every((r) => r.tagMoves.length === 0)).toBe(true);
  });
});

describe("advanceScenario", () => {
  it("adds data, moves exactly one tag once, and touches an old merged PR", () => {
    const s: Scenario = small();
    const before = scenarioSummary(s);
    const shop = s.repos[0] as RepoRec;
    const oldUpdated = new Map(shop.pullRequests.map((p) => [p.number, p.updatedAt]));
    advanceScenario(s, { steps: 2 });
    const after = scenarioSummary(s);
    expect(after.commits).toBeGreaterThan(before.commits);
    expect(after.pullRequests).toBeGreaterThan(before.pullRequests);
    expect(after.checkSuites).toBeGreaterThan(before.checkSuites);
    expect(after.deployments).toBeGreaterThan(before.deployments);

    const moves = s.repos.flatMap((r) => r.tagMoves);
    expect(moves).toHaveLength(1);
    const move = moves[0];
    expect(move?.from).not.toBe(move?.to);
    expect(shop.tags.find((t) => t.name === move?.name)?.target).toBe(move?.to);

    const late = s.events.find((e) => e.kind === "late-dismissal");
    const pr = shop.pullRequests.find((p) => p.number === late?.pr);
    expect(pr?.state).toBe("MERGED");
    expect((pr?.updatedAt ?? "") > (oldUpdated.get(pr?.number ?? -1) ?? "")).toBe(true);
    expect((pr?.updatedAt ?? "") > (pr?.mergedAt ?? "")).toBe(true);

    advanceScenario(s, { steps: 1 });
    expect(s.repos.flatMap((r) => r.tagMoves)).toHaveLength(1);
    expect(s.events.some((e) => e.kind === "late-review")).toBe(true);
  });

  it("is deterministic", () => {
    const a = advanceScenario(small(), { steps: 3, seed: 5 });
    const b = advanceScenario(small(), { steps: 3, seed: 5 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});

describe("createScenario options: owner and hostile", () => {
  it("puts hostile strings in the last repository only and leaves the others as without the option", async () => {
    const { HOSTILE_BRANCHES, HOSTILE_LOGINS, HOSTILE_TAGS } = await import(
      "../../git/testing/hostile-strings.ts"
    );
    const plain = createScenario({ seed: 5, size: "medium", owner: "globex" });
    const hostile = createScenario({ seed: 5, size: "medium", owner: "globex", hostile: true });
    expect(hostile.repos.map((r) => `${r.owner}/${r.name}`)).toEqual([
      "globex/shop",
      "globex/api",
      "globex/web",
    ]);
    expect(hostile.hostileRepo).toBe("globex/web");
    expect(JSON.stringify(hostile.repos.slice(0, 2))).toBe(JSON.stringify(plain.repos.slice(0, 2)));
    const web = hostile.repos[2] as RepoRec;
    expect(web.tags.map((t) => t.name)).toEqual(expect.arrayContaining([...HOSTILE_TAGS]));
    expect(Object.keys(web.branches)).toEqual(expect.arrayContaining([...HOSTILE_BRANCHES]));
    expect(web.pullRequests.map((p) => p.author)).toEqual(expect.arrayContaining([...HOSTILE_LOGINS]));
    expect(web.deployments.some((d) => d.ref === HOSTILE_TAGS[0])).toBe(true);
  });

  it("refuses an owner GitHub would not accept", () => {
    expect(() => createScenario({ seed: 1, owner: "a/b" })).toThrow(/owner must be a GitHub login/);
  });
});
