import { compileGlob } from "../config/glob";
import type { SourceKind } from "../config/schema";
import type { CommitGraph } from "./graph";

/** One promotion event as computed from the sources, before it is stored. */
export interface EventSpec {
  commit: number;
  sha: string;
  atMs: number;
  actor: string | null;
  source: SourceKind;
  ref: string;
  counted: boolean;
  status: string | null;
}

export interface TagForEvents {
  name: string;
  commit: number;
  createdAtMs: number;
  taggerName: string | null;
}

/** Byte-order comparison, as git sorts ref names (not locale order). */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Each tag matching the environment's glob, ordered by creator date, then name. */
export function tagEvents(
  graph: CommitGraph,
  tags: readonly TagForEvents[],
  matches: (name: string) => boolean,
): EventSpec[] {
  return tags
    .filter((t) => matches(t.name))
    .sort((a, b) => a.createdAtMs - b.createdAtMs || compareBytes(a.name, b.name))
    .map((t) => ({
      commit: t.commit,
      sha: graph.shas[t.commit]!,
      atMs: t.createdAtMs,
      actor: t.taggerName,
      source: "tags",
      ref: t.name,
      counted: true,
      status: null,
    }));
}

/**
 * Each commit of the branch's first-parent chain, oldest first. The chain's order is the
 * branch's own history, so events keep it even where committer dates go backwards
 * (clock skew, rebases); the event time shown is still the committer date.
 */
export function branchEvents(graph: CommitGraph, tip: number, branch: string): EventSpec[] {
  return graph.firstParentChain(tip).map((c) => ({
    commit: c,
    sha: graph.shas[c]!,
    atMs: graph.committedAt(c),
    actor: null,
    source: "branch",
    ref: branch,
    counted: true,
    status: null,
  }));
}

/** Where a repository's `tags` and `branch` environments take their events from. */
export interface RefSources {
  /** Every tag (or tag version) an environment may count, peeled to its commit. */
  tags: readonly TagForEvents[];
  /**
   * The branch's head in the graph; undefined when the source has no such branch (no
   * events), null when it has one whose commit is not in the graph yet (leave the stored
   * events as they are).
   */
  branchTip(branch: string): number | null | undefined;
}

/**
 * The events of a `tags` or `branch` environment, whichever source (a clone's refs or
 * GitHub's) supplied the refs: both go through here and then the same replay, so a
 * repository known only through GitHub answers exactly as an imported clone does.
 * Null: the events cannot be computed yet.
 */
export function environmentEvents(
  graph: CommitGraph,
  env: { sourceKind: SourceKind; pattern: string },
  sources: RefSources,
): EventSpec[] | null {
  if (env.sourceKind === "tags") return tagEvents(graph, sources.tags, compileGlob(env.pattern));
  if (env.sourceKind !== "branch")
    throw new Error(`environmentEvents: ${env.sourceKind} is not a ref source`);
  const tip = sources.branchTip(env.pattern);
  if (tip === null) return null;
  return tip === undefined ? [] : branchEvents(graph, tip, env.pattern);
}
