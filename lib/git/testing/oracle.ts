/**
 * What git itself answers, to compare Lineage's database answers against. Every function shells out
 * to the real git binary; nothing here re-implements graph logic.
 */
import { git, gitLines, gitResult } from "./git.ts";

export interface TagRef {
  /** Tag name without `refs/tags/`. */
  name: string;
  /** The commit the tag resolves to (peeled through annotated tag objects). */
  sha: string;
  /**
   * git's `creatordate`: the tagger date of an annotated tag, the committer date of the commit for a
   * lightweight tag. For an annotated tag object without a tagger line git 2.39 prints an empty
   * `%(creatordate:unix)` and `--sort=creatordate` treats it as 0 (it sorts first ascending, last
   * with `--sort=-creatordate`); it does NOT fall back to the commit date. We report 0 to match.
   */
  creatorDate: number;
}

const TAG_FORMAT = "--format=%(refname:strip=2)%00%(creatordate:unix)%00%(*objectname)%00%(objectname)";

function parseTags(out: string): TagRef[] {
  const tags: TagRef[] = [];
  for (const line of out.split("\n")) {
    if (line.length === 0) continue;
    const [name, date, peeled, object] = line.split("\0") as [string, string, string, string];
    // `*objectname` is only set for tag objects; a lightweight tag points at the commit directly.
    tags.push({ name, sha: peeled || object, creatorDate: date === "" ? 0 : Number(date) });
  }
  return tags;
}

/** Byte-wise (UTF-8) comparison, as git's strcmp on refnames; JS `<` compares UTF-16 code units. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** Orders by creator date, then by name in plain byte order, like `git tag --sort=creatordate`. */
export function compareTags(a: TagRef, b: TagRef): number {
  return a.creatorDate - b.creatorDate || compareBytes(a.name, b.name);
}

/**
 * `git rev-list <spec>` as full SHAs. `spec` is one or more revisions (`"a..b"`, `"b ^a"`,
 * `["main", "^v1.0.0"]`); order follows git's default (reverse chronological) but callers should
 * compare as sets.
 */
export function revList(dir: string, spec: string | readonly string[]): string[] {
  const revs = typeof spec === "string" ? spec.split(/\s+/).filter((s) => s.length > 0) : [...spec];
  // The trailing "--" stops git from reading a revision that happens to match a file as a path.
  return gitLines(dir, ["rev-list", ...revs, "--"]);
}

/** Whether `a` is an ancestor of (or equal to) `b`, per `git merge-base --is-ancestor`. */
export function isAncestor(dir: string, a: string, b: string): boolean {
  const res = gitResult(dir, ["merge-base", "--is-ancestor", a, b]);
  if (res.status === 0) return true;
  if (res.status === 1) return false;
  throw new Error(`git merge-base --is-ancestor ${a} ${b} failed (exit ${res.status}): ${res.stderr.trim()}`);
}

/** All best common ancestors of two commits (`git merge-base --all`); criss-crosses give several. */
export function mergeBases(dir: string, a: string, b: string): string[] {
  const res = gitResult(dir, ["merge-base", "--all", a, b]);
  // Exit 1 with no output means the commits share no history.
  if (res.status === 1 && res.stdout === "") return [];
  if (res.status !== 0) throw new Error(`git merge-base --all ${a} ${b} failed: ${res.stderr.trim()}`);
  return res.stdout.split("\n").filter((s) => s.length > 0);
}

/**
 * Tags matching `glob` whose commit contains `sha`, ordered by (creator date, name bytes).
 *
 * The glob follows `git tag --list` semantics, which match without WM_PATHNAME: `*` also matches `/`
 * (`v*` matches `v1/hotfix`). `git for-each-ref refs/tags/v*` differs: there `*` stops at `/`.
 */
export function tagsContaining(dir: string, sha: string, glob: string): TagRef[] {
  return parseTags(git(dir, ["tag", "--contains", sha, "--list", glob, TAG_FORMAT])).sort(compareTags);
}

/** All tags matching `glob` (`git tag --list` semantics), ordered by (creator date, name bytes). */
export function tagsByCreatorDate(dir: string, glob = "*"): TagRef[] {
  return parseTags(git(dir, ["tag", "--list", glob, TAG_FORMAT])).sort(compareTags);
}

/** The order git itself produces with `--sort=creatordate`, to check `compareTags` against. */
export function tagsSortedByGit(dir: string, glob = "*"): TagRef[] {
  return parseTags(git(dir, ["tag", "--list", glob, "--sort=creatordate", TAG_FORMAT]));
}

/** The first-parent chain of `ref`, oldest commit first. */
export function firstParentChain(dir: string, ref: string): string[] {
  return gitLines(dir, ["rev-list", "--first-parent", "--reverse", ref, "--"]);
}

/** Every commit reachable from branches, tags and remote-tracking refs. */
export function allCommits(dir: string): string[] {
  return gitLines(dir, ["rev-list", "--branches", "--tags", "--remotes"]);
}

/** Parents of a commit, in order (first parent first). */
export function parents(dir: string, sha: string): string[] {
  const line = git(dir, ["rev-list", "--parents", "-n", "1", sha, "--"]).trim();
  return line.split(" ").slice(1);
}
