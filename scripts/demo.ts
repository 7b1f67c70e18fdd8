// npm run demo [-- --port N] [--production] [--hostname H] [--no-start]
//
// Builds a sample repository with real git (fast-import: a few hundred commits in well under a
// second), imports it into the configured database and starts the dashboard on it. Every
// run rebuilds the repository byte for byte (fixed dates, fixed pseudo-random seed), so the
// SHAs are stable and re-importing it into an existing database changes nothing.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parseConfig } from "../lib/config/load-config";
import { type Db, openDatabase } from "../lib/db/client";
import { getEnv } from "../lib/env";
import { userMessage } from "../lib/errors";
import { importGit } from "../lib/git/import-git";
import { mulberry32 } from "../lib/git/testing/build-history";
import { gitEnv } from "../lib/git/testing/git";
import { findRepositoryOverviews } from "../lib/lineage/overview";
import { streamProgress } from "../lib/progress";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DEMO_DIR = path.join(ROOT, ".demo");
const REPO_DIR = path.join(DEMO_DIR, "sample-shop");
const CONFIG_FILE = path.join(DEMO_DIR, "lineage.config.json");
const REPO_NAME = "acme/shop";

const DEMO_CONFIG = {
  repositories: [
    {
      repo: REPO_NAME,
      environments: [
        { name: "dev", source: { branch: "develop" } },
        { name: "test", source: { tags: "rc-*" } },
        { name: "prod", source: { tags: "v*" } },
      ],
    },
  ],
};

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

function git(args: string[], input?: string): string {
  return execFileSync("git", args, {
    cwd: REPO_DIR,
    input,
    encoding: "utf8",
    stdio: ["pipe", "pipe", "inherit"],
    // Neither the user's git config (hooks, default branch, signing) nor an inherited GIT_DIR
    // (a run from inside a git hook) may change what gets built or where.
    env: gitEnv() as NodeJS.ProcessEnv,
  });
}

const HOSTILE_TAG = "demo<svg/onload=alert(1)>";
const HOSTILE_BRANCH = "feature/<i>x</i>";

function buildSampleRepository(): number {
  rmSync(REPO_DIR, { recursive: true, force: true });
  mkdirSync(REPO_DIR, { recursive: true });
  const { commits, stream } = buildSampleHistory();
  git(["init", "--quiet", "--initial-branch=develop"]);
  git(["fast-import", "--quiet", "--done"], stream);
  // fast-import writes objects only; check out develop so the clone looks like any other.
  git(["reset", "--quiet", "--hard", "develop"]);
  // Names with markup in them (git allows it): the dashboard must show them as text and
  // encode them in links. Outside every environment's pattern, so no event changes.
  git(["tag", HOSTILE_TAG, "develop~3"]);
  git(["branch", HOSTILE_BRANCH, "develop~1"]);
  return commits;
}

// ---------------------------------------------------------------------------------------
// Import and start
// ---------------------------------------------------------------------------------------

function describeDatabase(db: Db): string {
  if (db.mode === "embedded") return `embedded PostgreSQL in ${getEnv().dataDir}`;
  const url = new URL(db.url);
  return `DATABASE_URL (${url.hostname}:${url.port || "5432"}${url.pathname})`;
}

async function importSample(): Promise<void> {
  mkdirSync(DEMO_DIR, { recursive: true });
  const configText = `${JSON.stringify(DEMO_CONFIG, null, 2)}\n`;
  writeFileSync(CONFIG_FILE, configText);
  const repoConfig = parseConfig(configText, path.relative(ROOT, CONFIG_FILE)).repositories[0]!;

  const db = await openDatabase({ migrate: true });
  try {
    console.error(`demo: database: ${describeDatabase(db)}`);
    const progress = streamProgress(process.stderr, "demo");
    const summary = await importGit(db, { clonePath: REPO_DIR, repoConfig, progress });
    progress.end();
    console.error(
      summary.upToDate
        ? `demo: ${REPO_NAME} already imported and unchanged (${summary.totalCommits} commits)`
        : `demo: imported ${REPO_NAME}: ${summary.newCommits} new commits (${summary.totalCommits} in all), ${summary.tags} tags`,
    );
    const overview = (await findRepositoryOverviews(db)).find((r) => r.fullName === REPO_NAME);
    for (const env of overview?.environments ?? []) {
      const now = env.current
        ? `${env.current.ref} ${env.current.sha.slice(0, 7)}${env.current.rollback ? " (rollback)" : ""}`
        : "no events";
      console.error(`demo:   ${env.name.padEnd(5)} ${now}  [${env.eventCount} events]`);
    }
  } finally {
    await db.close();
  }
}

/** Runs a Next.js command in the foreground; Ctrl-C and SIGTERM reach it, and its exit code is ours. */
function runNext(args: string[]): Promise<number> {
  const nextBin = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");
  const child = spawn(process.execPath, [nextBin, ...args], { cwd: ROOT, stdio: "inherit" });
  const forward = (signal: NodeJS.Signals) => {
    // A terminal's Ctrl-C already reaches the whole process group; this covers a plain
    // `kill <pid>` of this script (and Playwright stopping its web server).
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      resolve(code ?? (signal === "SIGINT" ? 130 : 143));
    });
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "3000" },
      hostname: { type: "string", default: "127.0.0.1" },
      production: { type: "boolean", default: false },
      "no-start": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.error(
      "usage: npm run demo -- [--port N] [--hostname H] [--production] [--no-start]\n" +
        "  builds .demo/sample-shop, imports it as acme/shop, then runs `next dev`\n" +
        "  (or `next build` + `next start` with --production)",
    );
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`--port: not a port: ${values.port}`);
  process.chdir(ROOT);

  const started = Date.now();
  const commits = buildSampleRepository();
  console.error(
    `demo: built ${path.relative(ROOT, REPO_DIR)}: ${commits} commits in ${Date.now() - started} ms`,
  );
  await importSample();
  console.error(`demo: ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (values["no-start"]) return 0;

  const listen = ["--port", String(port), "--hostname", values.hostname];
  if (!values.production) return runNext(["dev", ...listen]);
  const built = await runNext(["build"]);
  if (built !== 0) return built;
  return runNext(["start", ...listen]);
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`demo: ${userMessage(err)}`);
    process.exit(1);
  },
);
