// The demo's data, built the same way on every run (fixed dates, seeds and SHAs), so a rerun
// against an existing database changes nothing:
//
// - acme/shop: a sample repository built with real git (fast-import: a few hundred commits in
//   well under a second) and imported from the clone: tags, rc-* and v* environments, a rollback
//   tag, a maintenance branch.
// - acme/hostile-refs: a clone whose messages, author names, branch and tag names are markup and
//   control characters (lib/git/testing/hostile-repo.ts), imported the same way; its "canary"
//   environment matches no tag, so it has no events (the pages' empty states).
// - globex/shop, globex/api, globex/web: the GitHub simulator's medium scenario (seed 7), served
//   in-process and read with `lineage sync`: PRs with reviews, CI runs, signatures and deployments
//   to dev/test/prod, with the planted cases (a prod rollback, a failed and a rejected deployment,
//   a hotfix deployed to prod that never went to test). globex/web carries the hostile strings.
//   Its owner is not acme so it cannot merge into the sample clone's acme/shop.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseConfig } from "../lib/config/load-config";
import type { TLineageConfig } from "../lib/config/schema";
import type { Db } from "../lib/db/client";
import { importGit } from "../lib/git/import-git";
import { mulberry32 } from "../lib/git/testing/build-history";
import { gitEnv } from "../lib/git/testing/git";
import { buildHostileRepository } from "../lib/git/testing/hostile-repo";
import { createScenario, type Scenario, scenarioConfig, startSimulator } from "../lib/github/simulator/index";
import { syncRepositories } from "../lib/github/sync";
import type { ProgressSink } from "../lib/progress";

export const SAMPLE_REPO = "acme/shop";
export const HOSTILE_CLONE_REPO = "acme/hostile-refs";

import { DEMO_SCENARIO, EMPTY_ENVIRONMENT } from "./demo-scenario";

export { DEMO_SCENARIO, EMPTY_ENVIRONMENT };

const SAMPLE_ENVIRONMENTS = [
  { name: "dev", source: { branch: "develop" } },
  { name: "test", source: { tags: "rc-*" } },
  { name: "prod", source: { tags: "v*" } },
];

// ---------------------------------------------------------------------------------------
// The sample history
// ---------------------------------------------------------------------------------------

/** A seeded PRNG, so the history (and every SHA) is the same on each run. */
function prng(seed: number) {
  const next = mulberry32(seed);
  return {
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
  };
}

interface Person {
  name: string;
  email: string;
}

const DEVELOPERS: Person[] = [
  { name: "Dana Whitfield", email: "dana@acme.example" },
  { name: "Luis Ortega", email: "luis@acme.example" },
  { name: "Mei Lin", email: "mei@acme.example" },
  { name: "Tomasz Nowak", email: "tomasz@acme.example" },
  { name: "Zoë O'Connor", email: "zoe@acme.example" },
  { name: "Kwame Mensah", email: "kwame@acme.example" },
];
const RELEASE_MANAGER: Person = { name: "Priya Raman", email: "priya@acme.example" };
const ON_CALL: Person = { name: "Sam Okafor", email: "sam@acme.example" };

// [area, feature]: each feature branch is named feature/<area>-<feature>.
const FEATURES: [string, string][] = [
  ["cart", "saved-carts"],
  ["payments", "gift-cards"],
  ["checkout", "address-autocomplete"],
  ["catalog", "product-reviews"],
  ["accounts", "wishlist"],
  ["checkout", "coupon-codes"],
  ["accounts", "order-history"],
  ["inventory", "stock-alerts"],
  ["payments", "multi-currency"],
  ["checkout", "express-checkout"],
  ["catalog", "size-guide"],
  ["shipping", "returns-portal"],
  ["payments", "tax-rules"],
  ["catalog", "recently-viewed"],
  ["cart", "bundle-pricing"],
  ["shipping", "delivery-slots"],
  ["accounts", "password-reset"],
  ["payments", "fraud-checks"],
  ["accounts", "invoice-pdf"],
  ["search", "faceted-search"],
  ["search", "synonyms"],
  ["search", "autocomplete"],
  ["catalog", "image-zoom"],
  ["inventory", "warehouse-sync"],
  ["inventory", "backorders"],
  ["shipping", "carrier-rates"],
  ["shipping", "tracking-emails"],
  ["cart", "cart-sharing"],
  ["cart", "save-for-later"],
  ["checkout", "guest-checkout"],
  ["checkout", "order-notes"],
  ["payments", "refund-api"],
  ["payments", "3ds-challenge"],
  ["accounts", "two-factor-login"],
  ["accounts", "email-preferences"],
  ["catalog", "product-variants"],
  ["catalog", "price-history"],
  ["search", "spelling-hints"],
  ["inventory", "low-stock-report"],
  ["shipping", "pickup-points"],
];
const STEP_MESSAGES = [
  "Add %s model and migration",
  "Wire %s into the API",
  "Add %s UI",
  "Handle empty state in %s",
  "Add tests for %s",
  "Address review comments on %s",
  "Log %s errors with request id",
  "Tidy up %s naming",
];
const CHORES = [
  "Bump dependencies",
  "Fix typo in README",
  "Speed up CI cache",
  "Update CODEOWNERS",
  "Raise test timeout for slow runners",
];

const START = Date.UTC(2025, 0, 6, 9, 0, 0) / 1000; // a Monday, 09:00 UTC

class Clock {
  t = START;
  /** Moves forward within working hours (09:00–18:00 UTC, Monday to Friday). */
  advance(minutes: number): number {
    this.t += minutes * 60;
    for (;;) {
      const d = new Date(this.t * 1000);
      const hour = d.getUTCHours();
      const day = d.getUTCDay();
      if (day === 0 || day === 6 || hour >= 18) {
        this.t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1, 9, 0, 0) / 1000;
      } else if (hour < 9) {
        this.t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 9, 0, 0) / 1000;
      } else {
        return this.t;
      }
    }
  }
}

interface BranchState {
  ref: string;
  tip: number | undefined;
  files: Map<string, string>;
  /** Paths this branch changed since it forked: what a merge brings over. */
  changed: Set<string>;
}

/** Writes a git fast-import stream; marks stand for commits until git names them. */
class History {
  private out: string[] = [];
  private nextMark = 1;
  readonly clock = new Clock();
  readonly rnd = prng(20250106);
  private pr = 100;
  /** File contents at each commit that a branch or tag may later start from. */
  private snapshots = new Map<number, Map<string, string>>();

  /** Only commits take marks. */
  get commitCount(): number {
    return this.nextMark - 1;
  }

  branch(ref: string, from?: BranchState): BranchState {
    return {
      ref,
      tip: from?.tip,
      files: new Map(from?.files ?? []),
      changed: new Set(),
    };
  }

  branchAt(ref: string, mark: number): BranchState {
    return { ref, tip: mark, files: new Map(this.snapshots.get(mark)!), changed: new Set() };
  }

  private data(text: string): string {
    return `data ${Buffer.byteLength(text)}\n${text}\n`;
  }

  private ident(kind: "author" | "committer" | "tagger", who: Person, at: number): string {
    return `${kind} ${who.name} <${who.email}> ${at} +0000\n`;
  }

  commit(
    b: BranchState,
    who: Person,
    message: string,
    edits: [path: string, line: string][],
    opts: { merge?: BranchState; minutes?: number } = {},
  ): number {
    const at = this.clock.advance(opts.minutes ?? this.rnd.int(20, 150));
    const mark = this.nextMark++;
    let s = `commit ${b.ref}\nmark :${mark}\n${this.ident("author", who, at)}${this.ident("committer", who, at)}`;
    s += this.data(message);
    if (b.tip !== undefined) s += `from :${b.tip}\n`;
    const writes = new Map<string, string>();
    if (opts.merge) {
      s += `merge :${opts.merge.tip}\n`;
      for (const p of opts.merge.changed) writes.set(p, opts.merge.files.get(p)!);
    }
    for (const [p, line] of edits) writes.set(p, `${writes.get(p) ?? b.files.get(p) ?? ""}${line}\n`);
    for (const [p, content] of writes) {
      s += `M 100644 inline ${p}\n${this.data(content)}`;
      b.files.set(p, content);
      b.changed.add(p);
    }
    this.out.push(`${s}\n`);
    b.tip = mark;
    this.snapshots.set(mark, new Map(b.files));
    return mark;
  }

  /** A feature branch off `base`, a few commits, merged back with a merge commit (--no-ff). */
  feature(base: BranchState, area: string, name: string, opts: { steps?: number; merge?: boolean } = {}) {
    const author = this.rnd.pick(DEVELOPERS);
    const f = this.branch(`refs/heads/feature/${area}-${name}`, base);
    const title = name.replace(/-/g, " ");
    const steps = opts.steps ?? this.rnd.int(2, 6);
    for (let i = 0; i < steps; i++) {
      const msg = STEP_MESSAGES[Math.min(i, STEP_MESSAGES.length - 1)]!.replace("%s", title);
      const file = i % 3 === 2 ? `test/${area}/${name}.test.ts` : `src/${area}/${name}.ts`;
      this.commit(f, author, msg, [[file, `// ${msg}`]]);
    }
    if (opts.merge === false) return f;
    const pr = this.pr++;
    const merger = this.rnd.pick(DEVELOPERS.filter((d) => d !== author));
    const message = `Merge pull request #${pr} from acme/feature/${area}-${name}\n\n${title}\n`;
    this.commit(base, merger, message, [], { merge: f });
    // Merged branches get deleted, as on GitHub.
    this.out.push(`reset ${f.ref}\n`);
    return f;
  }

  tag(name: string, mark: number, tagger?: { who: Person; message: string; minutes: number }): void {
    if (!tagger) {
      // Lightweight: a ref, no tag object; its creator date is the commit's date.
      this.out.push(`reset refs/tags/${name}\nfrom :${mark}\n`);
      return;
    }
    const at = this.clock.advance(tagger.minutes);
    this.out.push(
      `tag ${name}\nfrom :${mark}\n${this.ident("tagger", tagger.who, at)}${this.data(tagger.message)}`,
    );
  }

  stream(): string {
    return `${this.out.join("")}done\n`;
  }
}

interface SampleSummary {
  commits: number;
  stream: string;
}

function buildSampleHistory(): SampleSummary {
  const h = new History();
  const { rnd } = h;
  const develop = h.branch("refs/heads/develop");
  h.commit(develop, DEVELOPERS[0]!, "Initial commit", [
    ["README.md", "# acme/shop"],
    ["package.json", '{ "name": "shop" }'],
    ["src/index.ts", "export {};"],
  ]);

  let featureIdx = 0;
  const nextFeature = () => {
    const [area, name] = FEATURES[featureIdx % FEATURES.length]!;
    const round = Math.floor(featureIdx / FEATURES.length);
    featureIdx++;
    return { area, name: round ? `${name}-follow-up${round > 1 ? `-${round}` : ""}` : name };
  };
  const work = (features: number) => {
    for (let i = 0; i < features; i++) {
      const { area, name } = nextFeature();
      h.feature(develop, area, name);
      if (rnd.chance(0.25))
        h.commit(develop, rnd.pick(DEVELOPERS), rnd.pick(CHORES), [["CHANGELOG.md", "-"]]);
    }
  };
  const release = (version: string, opts: { annotated: boolean; rcs?: number }) => {
    let rcTip = develop.tip!;
    const rcs = opts.rcs ?? 1;
    for (let rc = 1; rc <= rcs; rc++) {
      if (rc > 1) {
        const { area, name } = nextFeature();
        h.feature(develop, area, `${name}-fix`, { steps: 1 });
        rcTip = develop.tip!;
      }
      // CI tags release candidates without an annotation.
      h.tag(`rc-${version}-${rc}`, rcTip);
      h.clock.advance(rnd.int(60, 240));
    }
    h.clock.advance(24 * 60);
    h.tag(
      `v${version}`,
      rcTip,
      opts.annotated
        ? { who: RELEASE_MANAGER, message: `Release ${version}\n`, minutes: rnd.int(30, 120) }
        : undefined,
    );
    return rcTip;
  };
  /** A maintenance branch off a release, a fix, its own rc and patch tag, merged back. */
  const patch = (releaseMark: number, line: string, version: string, fix: string) => {
    const maint = h.branchAt(`refs/heads/release/${line}`, releaseMark);
    h.commit(maint, ON_CALL, fix, [[`src/hotfix/${version}.ts`, `// ${fix}`]]);
    h.commit(maint, ON_CALL, `Add regression test for ${version}`, [
      [`test/hotfix/${version}.test.ts`, "// ok"],
    ]);
    h.tag(`rc-${version}-1`, maint.tip!);
    h.clock.advance(180);
    h.tag(`v${version}`, maint.tip!, {
      who: RELEASE_MANAGER,
      message: `Patch release ${version}\n`,
      minutes: 60,
    });
    h.commit(develop, ON_CALL, `Merge branch 'release/${line}' into develop`, [], { merge: maint });
    return maint.tip!;
  };

  work(7);
  release("1.0.0", { annotated: false });
  work(8);
  release("1.1.0", { annotated: false });
  work(9);
  const v120 = release("1.2.0", { annotated: true });
  work(3);
  patch(v120, "1.2", "1.2.1", "Fix rounding of discounted totals");
  work(6);
  release("1.3.0", { annotated: true, rcs: 2 });
  work(10);
  const v140 = release("1.4.0", { annotated: true });
  work(4);
  const v141 = patch(v140, "1.4", "1.4.1", "Stop double-charging on payment retry");
  work(8);
  release("1.5.0", { annotated: true, rcs: 2 });
  // 1.5.0 breaks checkout in prod: prod goes back to 1.4.1's exact commit under a new tag,
  // which is how a tag-driven pipeline redeploys an older build.
  h.tag("v1.4.1-rollback", v141, {
    who: ON_CALL,
    message: "Roll back to 1.4.1: checkout errors after 1.5.0 (INC-2207)\n",
    minutes: 150,
  });
  work(4);
  h.tag("rc-1.5.1-1", develop.tip!);
  work(2);
  // Work in progress, not merged yet.
  h.feature(develop, "search", "typo-tolerance", { merge: false });
  h.feature(develop, "accounts", "passkeys", { merge: false, steps: 2 });
  // The tip of develop carries markup in its headline: the dashboard must show it as text.
  h.commit(develop, DEVELOPERS[2]!, `Escape <script>alert("xss")</script> in search suggestions`, [
    ["src/search/suggestions.ts", "// escape user input"],
  ]);
  return { commits: h.commitCount, stream: h.stream() };
}

function git(cwd: string, args: string[], input?: string): string {
  return execFileSync("git", args, {
    cwd,
    input,
    encoding: "utf8",
    stdio: ["pipe", "pipe", "inherit"],
    // Neither the user's git config (hooks, default branch, signing) nor an inherited GIT_DIR
    // (a run from inside a git hook) may change what gets built or where.
    env: gitEnv() as NodeJS.ProcessEnv,
  });
}

/** Writes the sample history into `dir` (replacing whatever was there); returns its commit count. */
export function buildSampleRepository(dir: string): number {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const { commits, stream } = buildSampleHistory();
  git(dir, ["init", "--quiet", "--initial-branch=develop"]);
  git(dir, ["fast-import", "--quiet", "--done"], stream);
  // fast-import writes objects only; check out develop so the clone looks like any other.
  git(dir, ["reset", "--quiet", "--hard", "develop"]);
  // Names with markup in them (git allows it): the dashboard must show them as text and
  // encode them in links. Outside every environment's pattern, so no event changes.
  git(dir, ["tag", HOSTILE_TAG, "develop~3"]);
  git(dir, ["branch", HOSTILE_BRANCH, "develop~1"]);
  return commits;
}

export const HOSTILE_TAG = "demo<svg/onload=alert(1)>";
export const HOSTILE_BRANCH = "feature/<i>x</i>";

export interface DemoDataOptions {
  db: Db;
  /** Where the clones and lineage.config.json go (the demo uses .demo/). */
  dir: string;
  log?: (line: string) => void;
  progress?: ProgressSink;
}

export interface DemoDataSummary {
  config: TLineageConfig;
  configFile: string;
  scenario: Scenario;
  sampleCommits: number;
  /** Seconds per step. */
  timings: Record<string, number>;
}

/**
 * Builds and stores everything the demo shows: the two clones, imported, and the simulator's
 * scenario, synced. The simulator runs only for the sync; nothing needs it afterwards.
 */
export async function buildDemoData({
  db,
  dir,
  log = () => {},
  progress,
}: DemoDataOptions): Promise<DemoDataSummary> {
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = (now - t) / 1000;
    t = now;
  };
  mkdirSync(dir, { recursive: true });
  const sampleDir = path.join(dir, "sample-shop");
  const hostileDir = path.join(dir, "hostile-refs");
  const sampleCommits = buildSampleRepository(sampleDir);
  rmSync(hostileDir, { recursive: true, force: true });
  const hostile = buildHostileRepository(hostileDir);
  lap("clones");

  const scenario = createScenario({ ...DEMO_SCENARIO });
  const configFile = path.join(dir, "lineage.config.json");
  const configText = `${JSON.stringify(
    {
      repositories: [
        { repo: SAMPLE_REPO, environments: SAMPLE_ENVIRONMENTS },
        // A fourth environment that nothing has reached yet shows every page's empty state.
        { repo: HOSTILE_CLONE_REPO, environments: [...hostile.environments, EMPTY_ENVIRONMENT] },
        ...scenarioConfig(scenario).repositories,
      ],
    },
    null,
    2,
  )}\n`;
  writeFileSync(configFile, configText);
  const config = parseConfig(configText, configFile);
  const repoConfig = (name: string) => config.repositories.find((r) => r.repo === name)!;

  for (const [repo, clonePath] of [
    [SAMPLE_REPO, sampleDir],
    [HOSTILE_CLONE_REPO, hostileDir],
  ] as const) {
    const summary = await importGit(db, { clonePath, repoConfig: repoConfig(repo), progress });
    log(
      summary.upToDate
        ? `${repo} already imported and unchanged (${summary.totalCommits} commits)`
        : `imported ${repo}: ${summary.newCommits} new commits (${summary.totalCommits} in all), ${summary.tags} tags`,
    );
  }
  lap("import");

  const token = "demo";
  const sim = await startSimulator({ scenario, tokens: [token] });
  try {
    const synced = await syncRepositories(db, {
      config,
      repos: scenario.repos.map((r) => `${r.owner}/${r.name}`),
      url: sim.url,
      token,
      log,
    });
    log(
      `synced ${synced.repos.map((r) => r.repo).join(", ")} from the GitHub simulator: ${synced.requests} requests, ${synced.items} objects`,
    );
  } finally {
    await sim.close();
  }
  lap("sync");
  return { config, configFile, scenario, sampleCommits, timings };
}
