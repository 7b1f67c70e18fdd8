/**
 * Deterministic synthetic git histories for tests and benchmarks, written with `git fast-import`.
 *
 * Shape: `main` (first-parent chain of release merges, hotfix commits and hotfix-branch merges),
 * `develop` (feature merges, occasional back-merges of main), short-lived `feature/N` branches (most
 * merged with --no-ff-style merge commits and deleted, some kept, some abandoned unmerged), optional
 * `release/X.Y` maintenance branches forked at older release commits, plus tags of several families.
 * Everything random comes from one seeded PRNG, so a spec always yields the same SHAs.
 */
import { mkdirSync } from "node:fs";
import { git, gitLines, initRepo } from "./git.ts";

export interface HistorySpec {
  seed: number;
  /** Exact number of commits reachable from the refs of the generated repository. */
  commits: number;
  /** Exact number of tags (annotated + lightweight, including rollback and taggerless tags). */
  tags: number;
  /** Share of finished feature branches that get merged; the rest are abandoned but kept. Default 0.85. */
  featureMergeRatio?: number;
  octopus?: boolean;
  crissCross?: boolean;
  /** Number of `release/X.Y` maintenance branches. Default 0. */
  maintenanceBranches?: number;
  /** Share of annotated tags among the ordinary tags. Default 0.5. */
  annotatedRatio?: number;
  /** Number of `vX.Y.Z-rollbackN` tags. Default 0. */
  rollbackTags?: number;
  /** Files changed per non-merge commit, inclusive. Default [1, 3]. */
  filesPerCommit?: [number, number];
  /** Adds one annotated tag object without a tagger line. */
  taggerlessTag?: boolean;
}

export interface HistoryInfo {
  dir: string;
  commitCount: number;
  tagNames: string[];
  branches: string[];
}

/** Name of the annotated tag created without a tagger line when `taggerlessTag` is set. */
export const TAGGERLESS_TAG = "legacy/pre-git-import";

const MIN_COMMITS = 30;
const START_TIME = 1_577_836_800; // 2020-01-01T00:00:00Z
const MAX_SPAN = 4 * 365 * 86_400;

interface Ident {
  name: string;
  email: string;
  tz: string;
}

// The pool deliberately contains identities that break naive CSV export (leading "="), naive
// byte/char handling (non-ASCII, CJK) and naive email parsing (brackets, plus signs).
const AUTHORS: Ident[] = [
  { name: "Alice Martin", email: "alice@example.com", tz: "+0100" },
  { name: "Bob Nguyen", email: "bob@example.com", tz: "-0500" },
  { name: "Zoë Ångström-Müller", email: "zoe@example.org", tz: "+0200" },
  { name: '=HYPERLINK("https://example.com","click")', email: "mallory@example.net", tz: "+0000" },
  { name: "李雷", email: "li.lei@example.cn", tz: "+0800" },
  { name: "dependabot[bot]", email: "49699333+dependabot[bot]@users.noreply.github.com", tz: "+0000" },
  { name: "Carol O'Brien", email: "carol@example.com", tz: "-0800" },
  { name: "Dev Patel", email: "dev.patel@example.in", tz: "+0530" },
];

const GITHUB: Ident = { name: "GitHub", email: "noreply@github.com", tz: "+0000" };

const TAGGERS: Ident[] = [
  { name: "Release Bot", email: "release-bot@example.com", tz: "+0000" },
  { name: "Zoë Ångström-Müller", email: "zoe@example.org", tz: "+0200" },
  { name: "Alice Martin", email: "alice@example.com", tz: "+0100" },
];

// A path with a space and one with non-ASCII letters: git quotes such paths in most porcelain output
// unless core.quotePath=false, which importers parsing `git log --name-only` tend to miss.
// The length is prime so that any stride walks distinct paths (see `commit`).
const PATHS = [
  "README.md",
  "package.json",
  "src/index.ts",
  "src/api/users.ts",
  "src/api/orders.ts",
  "src/api/v2/handlers.ts",
  "src/api/v2/schema.ts",
  "src/core/engine.ts",
  "src/core/cache.ts",
  "src/core/utils/strings.ts",
  "src/core/utils/dates.ts",
  "src/ui/components/Button.tsx",
  "src/ui/components/Table.tsx",
  "src/ui/pages/home.tsx",
  "docs/index.md",
  "docs/guide/install.md",
  "docs/guide/getting started.md",
  "docs/über-uns.md",
  "docs/api/reference.md",
  "test/unit/engine.test.ts",
  "test/unit/strings.test.ts",
  "test/integration/api.test.ts",
  "scripts/release.sh",
  ".github/workflows/ci.yml",
  "config/settings.json",
  "src/api/auth.ts",
  "src/ui/styles/theme.css",
  "docs/changelog.md",
  "test/fixtures/data.json",
];

const SCRIPT_MESSAGE = "fix(ui): render <script>alert(1)</script> safely in tooltips\n";
const TAB_MESSAGE =
  'fix(core): handle "quoted"\tvalues — naïve café ✓ 日本語\n\nBody with \'single\' and "double" quotes,\ta tab and emoji 🚀.\n';

const VERBS = ["feat", "fix", "refactor", "chore", "docs", "test", "perf"];
const AREAS = ["api", "core", "ui", "auth", "billing", "search", "build", "docs"];
const PHRASES = [
  "handle empty input",
  "add pagination",
  "speed up lookup",
  "remove dead code",
  "update dependencies",
  "tighten validation",
  "cover edge cases",
  "rename internal helper",
  "support time zones",
  "log slow queries",
];

function scratchRef(slot: number): string {
  return `refs/lineage-scratch/${slot}`;
}

/** Small, fast, seedable PRNG; Math.random would make SHAs differ between runs. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Feature {
  id: number;
  name: string;
  /** Ref the commits are written to: the real branch, or a recycled scratch ref if it will be deleted. */
  ref: string;
  slot: number;
  /** Decided up front so that branches doomed to deletion never become refs of their own. */
  willMerge: boolean;
  base: number;
  tip: number; // 0 until the first commit: a feature without commits never becomes a ref
  commits: number;
  planned: number;
  target: "develop" | "main";
  crossed: boolean;
}

interface Release {
  name: string;
  mark: number;
  major: number;
  minor: number;
}

interface Maintenance {
  name: string;
  major: number;
  minor: number;
  tip: number;
  patch: number;
  lastTagged: number;
}

interface Special {
  at: number;
  /** Returns false to be retried later (preconditions not met yet). */
  run: (final: boolean) => boolean;
}

type TagMode = "after" | "equal" | "earlier";

class Generator {
  private readonly rand: () => number;
  private readonly out: string[] = [];
  private readonly n: number;
  private readonly mergeRatio: number;
  private readonly annotatedRatio: number;
  private readonly files: [number, number];
  private readonly avgStep: number;

  private marks = 0;
  private now = START_TIME;
  private readonly commitTime: number[] = [0];

  private mainTip = 0;
  private developTip = 0;
  private readonly mainChain: number[] = [];
  private developDirty = false;
  private mainHotfix = false;

  private featureSeq = 0;
  private readonly active: Feature[] = [];
  private readonly freeSlots: number[] = [];
  private slots = 0;
  private abandoned = 0;

  private readonly releases: Release[] = [];
  private major = 1;
  private minor = -1;
  private readonly maint: Maintenance[] = [];
  private readonly rollbackCount = new Map<string, number>();

  private readonly tagNames = new Set<string>();
  private readonly releaseTagged = new Set<number>();
  private normalTagsLeft: number;
  private nextTagAt = 0;
  private annotatedCount = 0;
  private rcSeq = 0;
  private buildSeq = 0;
  private prSeq = 100;
  private authorSeq = 0;

  private forceSkew = false;
  private forcedMessage: string | null = null;
  private readonly specials: Special[] = [];

  constructor(private readonly spec: HistorySpec) {
    this.rand = mulberry32(spec.seed);
    this.n = spec.commits;
    this.mergeRatio = spec.featureMergeRatio ?? 0.85;
    this.annotatedRatio = spec.annotatedRatio ?? 0.5;
    this.files = spec.filesPerCommit ?? [1, 3];
    this.avgStep = Math.min(7200, MAX_SPAN / spec.commits);

    const rollbacks = spec.rollbackTags ?? 0;
    const reserved = rollbacks + (spec.taggerlessTag ? 1 : 0);
    if (rollbacks > 0 && spec.tags - reserved < 2) {
      throw new Error(`rollback tags need at least two release tags: tags must be >= ${reserved + 2}`);
    }
    if (spec.tags < reserved) throw new Error(`tags must be >= ${reserved}`);
    const tie = spec.tags - reserved >= 4;
    this.normalTagsLeft = spec.tags - reserved - (tie ? 2 : 0);
    this.planSpecials(rollbacks, tie);
  }

  private planSpecials(rollbacks: number, tie: boolean): void {
    const at = (fraction: number) => Math.floor(this.n * fraction);
    const s = this.specials;
    s.push({ at: at(0.1), run: () => this.setForcedMessage(SCRIPT_MESSAGE) });
    s.push({ at: at(0.15), run: () => this.setForcedMessage(TAB_MESSAGE) });
    s.push({
      at: at(0.2),
      run: () => {
        this.forceSkew = true;
        return true;
      },
    });
    const m = this.spec.maintenanceBranches ?? 0;
    for (let i = 0; i < m; i++) {
      s.push({ at: at(0.25 + (0.45 * i) / m), run: (f) => this.forkMaintenance(f) });
    }
    if (this.spec.octopus) s.push({ at: at(0.35), run: () => this.octopus() });
    if (this.spec.crissCross) s.push({ at: at(0.45), run: () => this.crissCross() });
    if (tie) s.push({ at: at(0.5), run: () => this.tieTags() });
    if (this.spec.taggerlessTag) s.push({ at: at(0.55), run: () => this.taggerless() });
    for (let k = 0; k < rollbacks; k++) {
      s.push({ at: at(0.6 + (0.35 * k) / rollbacks), run: (f) => this.rollback(f) });
    }
    s.push({ at: this.n - 1, run: () => this.ensureUnmergedFeature() });
    s.sort((a, b) => a.at - b.at);
  }

  generate(): { stream: string; deleteRefs: string[] } {
    this.mainTip = this.commit("refs/heads/main", [], "Initial commit\n");
    this.mainChain.push(this.mainTip);
    this.developTip = this.mainTip;
    this.out.push(`reset refs/heads/develop\nfrom :${this.mainTip}\n\n`);
    this.scheduleNextTag();

    while (this.marks < this.n) {
      this.runSpecials(false);
      if (this.marks >= this.n) break;
      if (this.normalTagsLeft > 0 && this.marks >= this.nextTagAt) {
        this.tagEvent();
        this.scheduleNextTag();
      } else {
        this.randomAction();
      }
    }
    // Leftover ordinary tags first: final specials such as rollbacks need the releases to exist.
    while (this.normalTagsLeft > 0) this.tagEvent();
    this.runSpecials(true);
    // Unfinished work written to a scratch ref still has to survive as a branch.
    for (const f of this.active) {
      if (f.tip !== 0 && f.slot >= 0) this.out.push(`reset refs/heads/${f.name}\nfrom :${f.tip}\n\n`);
    }
    this.out.push("done\n");
    const deleteRefs = Array.from({ length: this.slots }, (_, i) => scratchRef(i));
    return { stream: this.out.join(""), deleteRefs };
  }

  // ---------------------------------------------------------------- helpers

  private int(min: number, max: number): number {
    return min + Math.floor(this.rand() * (max - min + 1));
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rand() * items.length)]!;
  }

  private budget(): number {
    return this.n - this.marks;
  }

  private runSpecials(final: boolean): void {
    while (this.specials.length > 0 && (final || this.specials[0]!.at <= this.marks)) {
      const idx = this.specials.findIndex((s) => final || s.at <= this.marks);
      const special = this.specials[idx]!;
      if (!special.run(final) && !final) {
        // Retry once the history has grown (e.g. not enough releases yet).
        special.at = this.marks + Math.max(1, Math.floor(this.n / 50));
        this.specials.sort((a, b) => a.at - b.at);
        return;
      }
      this.specials.splice(idx, 1);
    }
  }

  private scheduleNextTag(): void {
    // At most 1.5x the even spacing, so the last tags still land before the commit budget runs out.
    const gap = this.budget() / (this.normalTagsLeft + 1);
    this.nextTagAt = this.marks + Math.max(1, Math.round(gap * (0.5 + this.rand())));
  }

  private data(text: string): string {
    return `data ${Buffer.byteLength(text, "utf8")}\n${text}\n`;
  }

  private message(): string {
    if (this.forcedMessage !== null) {
      const m = this.forcedMessage;
      this.forcedMessage = null;
      return m;
    }
    const r = this.rand();
    if (r < 0.001) return SCRIPT_MESSAGE;
    if (r < 0.002) return TAB_MESSAGE;
    const subject = `${this.pick(VERBS)}(${this.pick(AREAS)}): ${this.pick(PHRASES)}`;
    if (r < 0.7) return `${subject}\n`;
    if (r < 0.9) return `${subject}\n\nExplain why the change was needed and what it affects.\n`;
    const co = this.pick(AUTHORS);
    return `${subject}\n\nPairing session.\n\nCo-authored-by: ${co.name} <${co.email}>\n`;
  }

  private setForcedMessage(message: string): boolean {
    this.forcedMessage = message;
    return true;
  }

  /** Emits a commit and returns its mark. Non-merge commits always modify at least one file. */
  private commit(
    ref: string,
    parents: number[],
    message: string,
    opts: { merge?: boolean; committer?: Ident } = {},
  ): number {
    if (this.marks >= this.n) throw new Error("internal: commit budget exceeded");
    const mark = ++this.marks;
    const step = this.rand() < 0.02 ? 0 : Math.max(1, Math.round(this.avgStep * (0.2 + 1.6 * this.rand())));
    this.now += step;

    let committerTime = this.now;
    const firstParent = parents[0];
    // Real histories contain commits made on machines with a wrong clock; lineage code must not
    // assume committer dates are monotonic along parent links.
    if (firstParent !== undefined && (this.forceSkew || this.rand() < 0.002)) {
      this.forceSkew = false;
      committerTime = Math.max(1, this.commitTime[firstParent]! - this.int(60, 7200));
    }
    this.commitTime[mark] = committerTime;

    const author = this.authorSeq < AUTHORS.length ? AUTHORS[this.authorSeq++]! : this.pick(AUTHORS);
    const committer = opts.committer ?? (this.rand() < 0.8 ? author : this.pick(AUTHORS));
    let authorTime = committerTime;
    const r = this.rand();
    if (r < 0.2) authorTime = Math.max(1, committerTime - this.int(60, 3 * 86_400));
    else if (r < 0.23) authorTime = committerTime + this.int(1, 600);

    const o = this.out;
    o.push(`commit ${ref}\nmark :${mark}\n`);
    o.push(`author ${author.name} <${author.email}> ${authorTime} ${author.tz}\n`);
    o.push(`committer ${committer.name} <${committer.email}> ${committerTime} ${committer.tz}\n`);
    o.push(this.data(message));
    if (firstParent !== undefined) o.push(`from :${firstParent}\n`);
    for (let i = 1; i < parents.length; i++) o.push(`merge :${parents[i]}\n`);
    const fileCount = opts.merge ? (this.rand() < 0.1 ? 1 : 0) : this.int(this.files[0], this.files[1]);
    // Distinct paths: touching a path twice in one commit would leave the first blob dangling.
    const first = Math.floor(this.rand() * PATHS.length);
    const stride = 1 + Math.floor(this.rand() * (PATHS.length - 1));
    for (let i = 0; i < Math.min(fileCount, PATHS.length); i++) {
      const path = PATHS[(first + i * stride) % PATHS.length]!;
      const content = `// ${path}\n// revision ${mark}.${i} ${Math.floor(this.rand() * 0xffffffff).toString(16)}\n`;
      o.push(`M 100644 inline ${path}\n`);
      o.push(this.data(content));
    }
    o.push("\n");
    return mark;
  }

  // ---------------------------------------------------------------- branches

  private startFeature(fromMain = false): Feature {
    const id = ++this.featureSeq;
    const willMerge = this.rand() < this.mergeRatio;
    // Most teams delete merged branches; a few stale ones stay around. Writing the doomed ones to a
    // handful of recycled scratch refs keeps fast-import from creating (and us from deleting)
    // thousands of loose refs, a visible share of the import time on large histories.
    const keep = !willMerge || this.rand() < 0.15;
    const slot = keep ? -1 : (this.freeSlots.pop() ?? this.slots++);
    const f: Feature = {
      id,
      name: `feature/${id}`,
      ref: slot < 0 ? `refs/heads/feature/${id}` : scratchRef(slot),
      slot,
      willMerge,
      base: fromMain ? this.mainTip : this.developTip,
      tip: 0,
      commits: 0,
      planned: this.int(1, 8),
      target: fromMain ? "main" : "develop",
      crossed: false,
    };
    this.active.push(f);
    return f;
  }

  private featureCommit(f: Feature): void {
    f.tip = this.commit(f.ref, [f.tip || f.base], this.message());
    f.commits++;
  }

  private removeActive(f: Feature): void {
    this.active.splice(this.active.indexOf(f), 1);
    if (f.slot >= 0) this.freeSlots.push(f.slot);
  }

  private mergeFeature(f: Feature): void {
    const pr = ++this.prSeq;
    const viaPr = this.rand() < 0.5;
    if (f.target === "main") {
      const msg = viaPr ? `Merge pull request #${pr} from acme/${f.name}\n` : `Merge branch '${f.name}'\n`;
      this.mainTip = this.commit("refs/heads/main", [this.mainTip, f.tip], msg, {
        merge: true,
        committer: viaPr ? GITHUB : undefined,
      });
      this.mainChain.push(this.mainTip);
      this.mainHotfix = true;
    } else {
      const msg = viaPr
        ? `Merge pull request #${pr} from acme/${f.name}\n`
        : `Merge branch '${f.name}' into develop\n`;
      this.developTip = this.commit("refs/heads/develop", [this.developTip, f.tip], msg, {
        merge: true,
        committer: viaPr ? GITHUB : undefined,
      });
      this.developDirty = true;
    }
    this.removeActive(f);
  }

  private mergeDevelopIntoMain(message: string): void {
    this.mainTip = this.commit("refs/heads/main", [this.mainTip, this.developTip], message, { merge: true });
    this.mainChain.push(this.mainTip);
    this.developDirty = false;
  }

  private randomAction(): void {
    if (this.active.length < 2 || (this.active.length < 6 && this.rand() < 0.08)) {
      this.startFeature(this.rand() < 0.15);
    }
    // Beyond the guaranteed instance, large histories get a sprinkling of the rarer shapes.
    const rare = this.rand();
    if (this.spec.octopus && rare < 0.0005) {
      this.octopus();
      return;
    }
    if (this.spec.crissCross && rare > 0.9995) {
      this.crissCross();
      return;
    }
    const ready = this.active.filter((f) => f.tip !== 0 && f.commits >= f.planned);
    const r = this.rand();
    if (r < 0.55 || (r < 0.7 && ready.length === 0)) {
      const candidates = this.active.filter((f) => f.commits < f.planned);
      this.featureCommit(this.pick(candidates.length > 0 ? candidates : this.active));
    } else if (r < 0.7) {
      const f = this.pick(ready);
      if (f.willMerge) {
        this.mergeFeature(f);
      } else {
        this.removeActive(f);
        this.abandoned++;
      }
    } else if (r < 0.8) {
      this.developTip = this.commit("refs/heads/develop", [this.developTip], this.message());
      this.developDirty = true;
    } else if (r < 0.84) {
      this.mainTip = this.commit("refs/heads/main", [this.mainTip], this.message());
      this.mainChain.push(this.mainTip);
      this.mainHotfix = true;
    } else if (r < 0.88 && this.mainHotfix) {
      this.developTip = this.commit(
        "refs/heads/develop",
        [this.developTip, this.mainTip],
        "Merge branch 'main' into develop\n",
        {
          merge: true,
        },
      );
      this.mainHotfix = false;
    } else if (r < 0.91 && this.developDirty) {
      this.mergeDevelopIntoMain("Merge branch 'develop'\n");
    } else if (this.maint.length > 0) {
      this.maintenanceCommit(this.pick(this.maint));
    } else {
      this.developTip = this.commit("refs/heads/develop", [this.developTip], this.message());
      this.developDirty = true;
    }
  }

  private maintenanceCommit(m: Maintenance): void {
    m.tip = this.commit(
      `refs/heads/${m.name}`,
      [m.tip],
      `fix: backport to ${m.name}\n\n(cherry picked from a newer release)\n`,
    );
  }

  /** Features with at least one own commit that are not part of any other branch yet. */
  private featuresWithCommits(count: number): Feature[] | null {
    const have = this.active.filter((f) => f.tip !== 0 && !f.crossed);
    const missing = Math.max(0, count - have.length);
    if (missing > this.budget() - 4) return null;
    while (have.length < count) {
      const f = this.startFeature();
      this.featureCommit(f);
      have.push(f);
    }
    return have.slice(0, count);
  }

  private octopus(): boolean {
    const fs = this.featuresWithCommits(this.rand() < 0.5 ? 2 : 3);
    if (fs === null) return true;
    const names = fs.map((f) => `'${f.name}'`);
    const msg = `Merge branches ${names.slice(0, -1).join(", ")} and ${names.at(-1)} into develop\n`;
    this.developTip = this.commit("refs/heads/develop", [this.developTip, ...fs.map((f) => f.tip)], msg, {
      merge: true,
    });
    this.developDirty = true;
    for (const f of fs) this.removeActive(f);
    return true;
  }

  /** Two branches each merging the other's tip: the resulting merges have two merge bases. */
  private crissCross(): boolean {
    const fs = this.featuresWithCommits(2);
    if (fs === null) return true;
    const [a, b] = fs as [Feature, Feature];
    const a1 = a.tip;
    const b1 = b.tip;
    a.tip = this.commit(a.ref, [a1, b1], `Merge branch '${b.name}' into ${a.name}\n`, { merge: true });
    b.tip = this.commit(b.ref, [b1, a1], `Merge branch '${a.name}' into ${b.name}\n`, { merge: true });
    a.crossed = true;
    b.crossed = true;
    a.planned = Math.max(a.planned, a.commits + 1);
    b.planned = Math.max(b.planned, b.commits + 1);
    return true;
  }

  private ensureUnmergedFeature(): boolean {
    if (this.abandoned > 0 || this.active.some((f) => f.tip !== 0)) return true;
    if (this.budget() > 0) this.featureCommit(this.startFeature());
    return true;
  }

  private forkMaintenance(final: boolean): boolean {
    const latest = this.releases.at(-1);
    const candidates = this.releases.filter(
      (r) => r !== latest && !this.maint.some((m) => m.major === r.major && m.minor === r.minor),
    );
    if (candidates.length === 0 && !final) return false;
    let m: Maintenance;
    if (candidates.length > 0) {
      // Prefer older releases so the branch misses a good part of main.
      const r = candidates[Math.floor(this.rand() * this.rand() * candidates.length)]!;
      m = {
        name: `release/${r.major}.${r.minor}`,
        major: r.major,
        minor: r.minor,
        tip: r.mark,
        patch: 0,
        lastTagged: r.mark,
      };
    } else {
      const minor = this.maint.length;
      const fork = this.mainChain[Math.floor(this.mainChain.length / 2)]!;
      m = { name: `release/0.${minor}`, major: 0, minor, tip: fork, patch: 0, lastTagged: 0 };
    }
    this.maint.push(m);
    this.out.push(`reset refs/heads/${m.name}\nfrom :${m.tip}\n\n`);
    if (this.budget() > 0) this.maintenanceCommit(m);
    return true;
  }

  // ---------------------------------------------------------------- tags

  private tagMode(): TagMode {
    const i = this.annotatedCount++;
    // Guarantee each ordering case shows up even in small fixtures.
    if (i === 1) return "equal";
    if (i === 2) return "earlier";
    const r = this.rand();
    return r < 0.08 ? "earlier" : r < 0.2 ? "equal" : "after";
  }

  private taggerTime(mark: number, mode: TagMode): number {
    const committed = this.commitTime[mark]!;
    if (mode === "equal") return committed;
    if (mode === "earlier") return Math.max(1, committed - this.int(1, 3600));
    return Math.max(this.now, committed) + this.int(1, 1800);
  }

  /**
   * Emits a tag. Annotated tags get a tagger unless `noTagger`; lightweight tags have no date of their
   * own (git reports the commit's committer date as their creatordate).
   */
  private tag(
    name: string,
    mark: number,
    opts: { annotated?: boolean; time?: number; noTagger?: boolean; message?: string } = {},
  ): void {
    if (this.tagNames.has(name)) throw new Error(`internal: duplicate tag ${name}`);
    this.tagNames.add(name);
    const annotated = opts.annotated ?? this.rand() < this.annotatedRatio;
    if (!annotated) {
      this.out.push(`reset refs/tags/${name}\nfrom :${mark}\n\n`);
      return;
    }
    this.out.push(`tag ${name}\nfrom :${mark}\n`);
    if (!opts.noTagger) {
      const time = opts.time ?? this.taggerTime(mark, this.tagMode());
      this.now = Math.max(this.now, time);
      const t = this.pick(TAGGERS);
      this.out.push(`tagger ${t.name} <${t.email}> ${time} ${t.tz}\n`);
    }
    this.out.push(this.data(opts.message ?? `${name}\n`));
  }

  private uniqueName(base: string): string {
    let name = base;
    for (let i = 2; this.tagNames.has(name); i++) name = `${base}-${i}`;
    return name;
  }

  private tagEvent(): void {
    let kind: "release" | "patch" | "rc" | "nightly" | "build";
    if (this.releases.length < 2) {
      kind = "release";
    } else {
      const r = this.rand();
      kind = r < 0.3 ? "release" : r < 0.5 ? "patch" : r < 0.68 ? "rc" : r < 0.84 ? "nightly" : "build";
      if (kind === "patch" && this.maint.length === 0) kind = "rc";
    }
    this.now += this.int(1, 600);
    if (kind === "release") {
      const double = this.normalTagsLeft >= 3 && (this.releases.length === 0 || this.rand() < 0.1);
      if (!this.release({}, double)) this.buildTag({});
    } else if (kind === "patch") {
      if (!this.patch(this.pick(this.maint), {})) this.buildTag({});
    } else if (kind === "rc") {
      this.normalTagsLeft--;
      this.tag(`rc-${++this.rcSeq}`, this.developTip, { message: "Release candidate\n" });
    } else if (kind === "nightly") {
      this.normalTagsLeft--;
      const day = new Date(this.now * 1000).toISOString().slice(0, 10);
      this.tag(this.uniqueName(`nightly/${day}`), this.developTip, { message: "Nightly build\n" });
    } else {
      this.buildTag({});
    }
  }

  private buildTag(opts: { annotated?: boolean; time?: number }): void {
    const tips = [this.mainTip, this.developTip, ...this.active.filter((f) => f.tip).map((f) => f.tip)];
    this.normalTagsLeft--;
    this.tag(`build-${++this.buildSeq}`, this.pick(tips), { ...opts, message: "CI build\n" });
  }

  /** Cuts a main release vX.Y.0; returns false if there is nothing new on main to tag. */
  private release(opts: { annotated?: boolean; time?: number }, double: boolean, reserved = false): boolean {
    if (this.budget() > 0) {
      if (this.rand() < 0.12 && this.minor >= 0) {
        this.major++;
        this.minor = -1;
      }
      const version = `v${this.major}.${this.minor + 1}.0`;
      if (this.developDirty) this.mergeDevelopIntoMain(`Merge branch 'develop' for ${version}\n`);
      else {
        this.mainTip = this.commit("refs/heads/main", [this.mainTip], `chore(release): ${version}\n`);
        this.mainChain.push(this.mainTip);
        this.mainHotfix = true;
      }
    } else if (this.releaseTagged.has(this.mainTip)) {
      return false;
    }
    this.minor++;
    const name = `v${this.major}.${this.minor}.0`;
    if (!reserved) this.normalTagsLeft--;
    this.tag(name, this.mainTip, { ...opts, message: `Release ${name}\n` });
    this.releaseTagged.add(this.mainTip);
    this.releases.push({ name, mark: this.mainTip, major: this.major, minor: this.minor });
    if (double) {
      // A second tag on the very same commit, so "several tags per commit" is always exercised.
      this.normalTagsLeft--;
      this.tag(`release/${this.major}.${this.minor}.0`, this.mainTip, { message: `Release ${name}\n` });
    }
    return true;
  }

  private patch(m: Maintenance, opts: { annotated?: boolean; time?: number }, reserved = false): boolean {
    if (this.budget() > 0) this.maintenanceCommit(m);
    else if (m.lastTagged === m.tip) return false;
    m.patch++;
    m.lastTagged = m.tip;
    if (!reserved) this.normalTagsLeft--;
    this.tag(this.uniqueName(`v${m.major}.${m.minor}.${m.patch}`), m.tip, {
      ...opts,
      message: "Patch release\n",
    });
    return true;
  }

  /** Two tags with the same creator date, so ordering has to fall back to the tag name. */
  private tieTags(): boolean {
    // Far enough ahead that the (up to two) commits made below are still older than the tags.
    const time = this.now + Math.ceil(4 * this.avgStep) + this.int(1, 600);
    const opts = { annotated: true, time };
    const m = this.maint[0];
    if (m !== undefined && this.budget() >= 2) {
      this.release(opts, false, true);
      this.patch(m, opts, true);
    } else {
      this.tag(`build-${++this.buildSeq}`, this.mainTip, opts);
      const day = new Date(time * 1000).toISOString().slice(0, 10);
      this.tag(this.uniqueName(`nightly/${day}`), this.developTip, opts);
    }
    return true;
  }

  private taggerless(): boolean {
    const early = this.mainChain[Math.floor(this.mainChain.length / 10)]!;
    this.tag(TAGGERLESS_TAG, early, {
      annotated: true,
      noTagger: true,
      message: "Imported from the legacy VCS\n",
    });
    return true;
  }

  /** A v* tag created now that points at an older main release: redeploying an old version. */
  private rollback(final: boolean): boolean {
    const onMain = this.releases.slice(0, -1);
    if (onMain.length === 0) {
      if (!final) return false;
      throw new Error("rollback tags need two releases; use more commits or tags");
    }
    const target = onMain[onMain.length - 1 - Math.floor(this.rand() * Math.min(onMain.length, 5))]!;
    const k = (this.rollbackCount.get(target.name) ?? 0) + 1;
    this.rollbackCount.set(target.name, k);
    this.now += this.int(60, 3600);
    this.tag(`${target.name}-rollback${k}`, target.mark, {
      annotated: true,
      time: this.now,
      message: `Roll back to ${target.name}\n`,
    });
    return true;
  }
}

/** Builds the fast-import stream; exposed so generation cost can be measured without git. */
export function historyStream(spec: HistorySpec): { stream: string; deleteRefs: string[] } {
  if (!Number.isInteger(spec.commits) || spec.commits < MIN_COMMITS) {
    throw new Error(`commits must be an integer >= ${MIN_COMMITS}`);
  }
  if (!Number.isInteger(spec.tags) || spec.tags < 0) throw new Error("tags must be a non-negative integer");
  const [minFiles, maxFiles] = spec.filesPerCommit ?? [1, 3];
  if (!Number.isInteger(minFiles) || minFiles < 1 || !Number.isInteger(maxFiles) || maxFiles < minFiles) {
    throw new Error("filesPerCommit must be integers [min, max] with 1 <= min <= max");
  }
  for (const key of ["featureMergeRatio", "annotatedRatio"] as const) {
    const v = spec[key];
    if (v !== undefined && !(v >= 0 && v <= 1)) throw new Error(`${key} must be within [0, 1]`);
  }
  return new Generator(spec).generate();
}

/**
 * Creates a deterministic repository at `dir` (created if missing, expected empty): the same spec
 * produces the same commit and tag SHAs on every machine.
 */
export function buildHistory(dir: string, spec: HistorySpec): HistoryInfo {
  const { stream, deleteRefs } = historyStream(spec);
  mkdirSync(dir, { recursive: true });
  initRepo(dir);
  // Reflogs are useless in a fixture, and creating one file per ref was a visible share of the import
  // time. The higher active-branch limit keeps fast-import from unloading and reloading the trees of
  // the many interleaved feature branches.
  git(
    dir,
    [
      "-c",
      "core.logAllRefUpdates=false",
      "fast-import",
      "--quiet",
      "--date-format=raw",
      "--done",
      "--active-branches=64",
    ],
    stream,
  );
  if (deleteRefs.length > 0) {
    git(dir, ["update-ref", "--stdin"], deleteRefs.map((ref) => `delete ${ref}\n`).join(""));
  }
  git(dir, ["pack-refs", "--all"]);
  git(dir, ["reset", "-q", "--hard"]);
  return {
    dir,
    commitCount: Number(git(dir, ["rev-list", "--all", "--count"]).trim()),
    tagNames: gitLines(dir, ["for-each-ref", "--format=%(refname:strip=2)", "refs/tags"]),
    branches: gitLines(dir, ["for-each-ref", "--format=%(refname:strip=2)", "refs/heads"]),
  };
}

/** A few hundred commits and ~30 tags exercising every feature of the generator. */
export function buildSmallRepo(dir: string, seed: number): HistoryInfo {
  return buildHistory(dir, {
    seed,
    commits: 400,
    tags: 30,
    octopus: true,
    crissCross: true,
    maintenanceBranches: 2,
    rollbackTags: 2,
    taggerlessTag: true,
  });
}
