import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { AppError } from "../errors";
import { gitSync } from "./run-git";

export interface GitRefInfo {
  /** Full ref name: refs/heads/main, refs/remotes/origin/main, refs/tags/v1.0. */
  name: string;
  /** The commit the ref finally points at (tags peeled through tag objects). */
  commit: string;
}

export interface GitTagInfo {
  name: string;
  commit: string;
  /** The tag object's SHA for an annotated tag; null for a lightweight tag. */
  objectSha: string | null;
  taggerName: string | null;
  taggerEmail: string | null;
  /** Tagger date in ms, when the tag object has a tagger line. */
  taggedAtMs: number | null;
  message: string | null;
}

export interface CloneRefs {
  branches: GitRefInfo[];
  tags: GitTagInfo[];
  /** Refs that point at trees or blobs, which lineage ignores. */
  skipped: string[];
  /** A shallow clone's boundary commits (git shows them without parents); empty if complete. */
  shallow: string[];
  /** The commit HEAD points at (checked-out branch, detached commit, a bare clone's default branch); null when unborn. */
  head: string | null;
}

/**
 * Fails with one line unless `path` is a git repository (bare or not); returns where its
 * `shallow` file would be (for readRefs), which the same git call answers.
 */
export function assertGitRepository(path: string): { shallowFile: string } {
  if (!existsSync(path)) throw new AppError("INVALID_ARGUMENT", `no such directory: ${path}`);
  let out: string;
  try {
    out = gitSync(path, ["rev-parse", "--git-path", "shallow"]);
  } catch {
    throw new AppError("INVALID_ARGUMENT", `not a git repository: ${path}`);
  }
  return { shallowFile: resolve(path, out.trim()) };
}

const FIELDS = [
  "%(refname)",
  "%(objecttype)",
  "%(objectname)",
  "%(*objecttype)",
  "%(*objectname)",
  "%(symref)",
  "%(taggername)",
  "%(taggeremail:trim)",
  "%(taggerdate:unix)",
  "%(contents)",
];

/** Every branch (local and remote-tracking) and tag of the clone, peeled to commits. */
export function readRefs(path: string, { shallowFile }: { shallowFile: string }): CloneRefs {
  const out = gitSync(path, [
    "for-each-ref",
    `--format=${FIELDS.join("%00")}%00`,
    "refs/heads",
    "refs/remotes",
    "refs/tags",
  ]);
  const branches: GitRefInfo[] = [];
  const tags: GitTagInfo[] = [];
  const skipped: string[] = [];
  const nestedTags: { tag: GitTagInfo; index: number }[] = [];
  // Each record ends with NUL then git's newline; no field can contain NUL.
  for (const record of out.split("\0\n")) {
    if (!record) continue;
    const [name, type, sha, peeledType, peeledSha, symref, taggerName, taggerEmail, taggerDate, contents] =
      record.split("\0") as string[];
    if (!name || !sha || symref) continue; // origin/HEAD and other symbolic refs
    if (name.startsWith("refs/tags/")) {
      const tagName = name.slice("refs/tags/".length);
      if (type === "commit") {
        tags.push({
          name: tagName,
          commit: sha,
          objectSha: null,
          taggerName: null,
          taggerEmail: null,
          taggedAtMs: null,
          message: null,
        });
      } else if (type === "tag") {
        const tag: GitTagInfo = {
          name: tagName,
          commit: peeledSha ?? "",
          objectSha: sha,
          taggerName: taggerName || null,
          taggerEmail: taggerEmail || null,
          taggedAtMs: taggerDate ? Number(taggerDate) * 1000 : null,
          message: contents ?? null,
        };
        if (peeledType === "commit") tags.push(tag);
        else if (peeledType === "tag") nestedTags.push({ tag, index: tags.push(tag) - 1 });
        else skipped.push(name);
      } else {
        skipped.push(name);
      }
    } else if (type === "commit") {
      branches.push({ name, commit: sha });
    } else {
      skipped.push(name);
    }
  }
  if (nestedTags.length) {
    // A tag of a tag: for-each-ref peels one level only, so ask git for the final object.
    const peeled = gitSync(path, ["rev-parse", ...nestedTags.map(({ tag }) => `${tag.objectSha}^{}`)])
      .trim()
      .split("\n");
    const types = gitSync(path, ["cat-file", "--batch-check=%(objecttype)"], `${peeled.join("\n")}\n`)
      .trim()
      .split("\n");
    const drop = new Set<number>();
    nestedTags.forEach(({ tag, index }, k) => {
      if (types[k] === "commit") tag.commit = peeled[k]!;
      else {
        drop.add(index);
        skipped.push(`refs/tags/${tag.name}`);
      }
    });
    if (drop.size)
      return {
        branches,
        tags: tags.filter((_, i) => !drop.has(i)),
        skipped,
        shallow: readShallow(shallowFile),
        head: readHead(path),
      };
  }
  return { branches, tags, skipped, shallow: readShallow(shallowFile), head: readHead(path) };
}

/** for-each-ref does not list HEAD, and `lineage where HEAD` should mean what `git rev-parse HEAD` does. */
function readHead(path: string): string | null {
  try {
    return gitSync(path, ["rev-parse", "-q", "--verify", "HEAD^{commit}"]).trim() || null;
  } catch {
    return null; // unborn HEAD (an empty clone): no commit to name
  }
}

/** The boundary of a shallow clone, from its `shallow` file (git fetch --deepen/--unshallow change it). */
function readShallow(file: string): string[] {
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).sort() : [];
}

/**
 * Which of `shas` the clone still holds as commits. A commit imported before can be gone
 * from the clone (a force-push, then `git gc`; a fresh clone), and git stops on a missing
 * object given to exclude.
 */
export function presentCommits(path: string, shas: readonly string[]): string[] {
  if (shas.length === 0) return [];
  const out = gitSync(
    path,
    ["cat-file", "--batch-check=%(objectname) %(objecttype)"],
    `${shas.join("\n")}\n`,
  );
  return out
    .split("\n")
    .filter((line) => line.endsWith(" commit"))
    .map((line) => line.slice(0, line.indexOf(" ")));
}
