import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { git } from "./git";
import { HOSTILE_BRANCHES, HOSTILE_GIT_NAMES, HOSTILE_MESSAGES, HOSTILE_TAGS } from "./hostile-strings";

export interface HostileCommit {
  /** Filled in once git has named the commit. */
  sha: string;
  message: string;
  authorName: string;
}

export interface HostileRepository {
  dir: string;
  /** Oldest first, as written. */
  commits: HostileCommit[];
  /** Branch name → tip SHA; `main` plus every hostile branch. */
  branches: Record<string, string>;
  /** Tag name → commit SHA; annotated tags carry a hostile message too. */
  tags: Record<string, string>;
  /** Environments that read the hostile refs: a branch environment on a hostile branch, tags by glob. */
  environments: { name: string; source: { branch: string } | { tags: string } }[];
}

const START = Date.UTC(2025, 2, 3, 9, 0, 0) / 1000;

/**
 * Builds a clone (with `git fast-import`, so the bytes are exactly ours and the SHAs are stable)
 * whose commit messages, author names, branch and tag names are HOSTILE_* strings: `main` with one
 * commit per message, one commit on each hostile branch, each hostile tag on a `main` commit
 * (alternately annotated and lightweight), and the last branch merged back.
 */
export function buildHostileRepository(dir: string): HostileRepository {
  mkdirSync(dir, { recursive: true });
  const out: string[] = [];
  const commits: (HostileCommit & { mark: number })[] = [];
  let t = START;
  let mark = 0;
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const commit = (ref: string, message: string, name: string, from?: number, merge?: number) => {
    t += 3600;
    mark += 1;
    const ident = `${name} <hostile@acme.example> ${t} +0000\n`;
    let s = `commit ${ref}\nmark :${mark}\nauthor ${ident}committer ${ident}${data(message)}`;
    if (from !== undefined) s += `from :${from}\n`;
    if (merge !== undefined) s += `merge :${merge}\n`;
    s += `M 100644 inline file-${mark}.txt\n${data(message)}`;
    out.push(`${s}\n`);
    commits.push({ sha: "", message, authorName: name, mark });
    return mark;
  };

  const mainMarks: number[] = [];
  let tip: number | undefined;
  for (const [i, message] of HOSTILE_MESSAGES.entries()) {
    tip = commit("refs/heads/main", message, HOSTILE_GIT_NAMES[i % HOSTILE_GIT_NAMES.length]!, tip);
    mainMarks.push(tip);
  }
  const branchMarks = new Map<string, number>();
  for (const [i, branch] of HOSTILE_BRANCHES.entries()) {
    const base = mainMarks[i % mainMarks.length]!;
    branchMarks.set(branch, commit(`refs/heads/${branch}`, `Work on ${branch}`, HOSTILE_GIT_NAMES[0], base));
  }
  const lastBranch = HOSTILE_BRANCHES[HOSTILE_BRANCHES.length - 1] as string;
  tip = commit(
    "refs/heads/main",
    `Merge branch '${lastBranch}'`,
    HOSTILE_GIT_NAMES[1],
    tip,
    branchMarks.get(lastBranch),
  );
  mainMarks.push(tip);
  for (const [i, tag] of HOSTILE_TAGS.entries()) {
    const target = mainMarks[Math.min(i + 1, mainMarks.length - 1)]!;
    if (i % 2 === 0) {
      t += 600;
      out.push(
        `tag ${tag}\nfrom :${target}\ntagger ${HOSTILE_GIT_NAMES[1]} <hostile@acme.example> ${t} +0000\n${data(`Release ${tag}\n\n${HOSTILE_MESSAGES[0]}`)}`,
      );
    } else {
      out.push(`reset refs/tags/${tag}\nfrom :${target}\n`);
    }
  }

  git(dir, ["init", "--quiet", "--initial-branch=main"]);
  git(
    dir,
    ["fast-import", "--quiet", "--done", "--export-marks=.git/hostile-marks"],
    `${out.join("")}done\n`,
  );
  git(dir, ["reset", "--quiet", "--hard", "main"]);
  // The marks file maps each mark to the commit git made of it.
  const shaOf = new Map<number, string>();
  for (const line of readFileSync(path.join(dir, ".git", "hostile-marks"), "utf8").split("\n")) {
    const [m, sha] = line.split(" ");
    if (m && sha) shaOf.set(Number(m.slice(1)), sha);
  }
  const result: HostileRepository = {
    dir,
    commits: commits.map(({ mark: m, ...c }) => ({ ...c, sha: shaOf.get(m)! })),
    branches: { main: shaOf.get(tip)! },
    tags: {},
    environments: [
      { name: "dev", source: { branch: "main" } },
      { name: "test", source: { branch: HOSTILE_BRANCHES[0] } },
      { name: "prod", source: { tags: "v9*" } },
    ],
  };
  for (const [branch, m] of branchMarks) result.branches[branch] = shaOf.get(m)!;
  for (const [i, tag] of HOSTILE_TAGS.entries()) {
    result.tags[tag] = shaOf.get(mainMarks[Math.min(i + 1, mainMarks.length - 1)]!)!;
  }
  return result;
}
