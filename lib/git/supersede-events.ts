import type { EventSpec } from "../lineage/events";
import type { CommitGraph } from "../lineage/graph";
import { CandidateIndex, classifyRemoved, pathSetKey, splitWithoutCandidates } from "../lineage/supersede";
import type { ReplayedEnvironment } from "../store/environment-events";
import { float8ArrayBinary, int4ArrayBinary, type Queryable } from "../store/sql";
import type { DiffSignatures } from "./diff-signatures";
import { readPatchIds } from "./patch-ids";

export interface WrittenEnvironment {
  envId: number;
  events: readonly EventSpec[];
  computed: ReplayedEnvironment;
  /** Events before this seq were kept from an earlier import, with their split. */
  fromSeq: number;
}

/**
 * Fills in the superseded/dropped split of the events just written that remove commits
 * while adding some (persistEnvironmentEvents left them null). Patch-ids come from the
 * clone, and only for the commits that can match across one event (same changed paths):
 * `git patch-id` over a whole history would cost more than the rest of the import.
 * Returns how many patch-ids git computed.
 */
export async function supersedeWrittenEvents(
  client: Queryable,
  {
    repoId,
    clonePath,
    graph,
    environments,
    newPathKeys,
    signatures,
    stored,
  }: {
    repoId: number;
    clonePath: string;
    graph: CommitGraph;
    environments: readonly WrittenEnvironment[];
    /** pathSetKey of each commit numbered by this import (idx >= stored). */
    newPathKeys: Uint32Array;
    /** Told the changed files of each non-merge commit numbered by this import. */
    signatures: DiffSignatures;
    stored: number;
  },
): Promise<number> {
  const t0 = performance.now();
  const timing = (what: string) => {
    if (process.env.LINEAGE_IMPORT_TIMING)
      process.stderr.write(`  supersede ${what}: ${((performance.now() - t0) / 1000).toFixed(3)} s\n`);
  };
  const pending: { envId: number; seq: number; added: number[]; removed: number[]; pure: boolean }[] = [];
  for (const { envId, events, computed, fromSeq } of environments) {
    // Events kept from an import made before the split existed have it null: redo them too.
    const { rows: unsplit } = await client.query<{ seq: number }>(
      "SELECT seq FROM promotion_event WHERE env_id = $1 AND seq < $2 AND superseded_count IS NULL",
      [envId, fromSeq],
    );
    const seqs = [...unsplit.map((r) => r.seq)];
    for (let seq = fromSeq; seq < events.length; seq++) {
      const r = computed.results[seq];
      // persistEnvironmentEvents split these itself: no patch-id can matter.
      if (!r || r.removed.length === 0 || r.added.every((a) => graph.parentsOf(a).length > 1)) continue;
      seqs.push(seq);
    }
    for (const seq of seqs) {
      const r = computed.results[seq];
      pending.push({
        envId,
        seq,
        added: r?.added ?? [],
        removed: r?.removed ?? [],
        pure: r?.pureRollback ?? false,
      });
    }
  }
  if (pending.length === 0) {
    signatures.abort(); // nothing needs what it read ahead
    return 0;
  }

  // Commits of earlier imports: their paths and any patch-id computed then, from the database.
  const storedKeys = new Map<number, number>();
  const patchIds = new Map<number, string>();
  const storedSigs = new Map<number, number>();
  if (stored > 0) {
    const old = new Set<number>();
    for (const e of pending) {
      for (const x of e.added) if (x < stored) old.add(x);
      for (const x of e.removed) if (x < stored) old.add(x);
    }
    if (old.size) {
      const { rows } = await client.query<{
        idx: number;
        changed_paths: string[];
        patch_id: string | null;
        signature: number | null;
      }>(
        `SELECT c.idx, c.changed_paths, c.patch_id, s.signature FROM "commit" c
         LEFT JOIN commit_diff_signature s ON s.repo_id = c.repo_id AND s.idx = c.idx
         WHERE c.repo_id = $1 AND c.idx = ANY($2::int4[])`,
        [repoId, int4ArrayBinary([...old])],
      );
      for (const r of rows) {
        storedKeys.set(r.idx, pathSetKey(r.changed_paths));
        if (r.patch_id !== null) patchIds.set(r.idx, r.patch_id);
        if (r.signature !== null) storedSigs.set(r.idx, r.signature);
      }
    }
  }
  const keyOf = (x: number) => (x >= stored ? newPathKeys[x - stored] : storedKeys.get(x));

  // Two necessary conditions before git computes a patch-id: the same path set as a commit
  // on the other side of the event, and the same diff signature (read from blobs, far
  // cheaper than a diff). When the blobs of every new commit were read while git log
  // streamed, all are signed; else only those whose path set matches across an event.
  let toSign: number[];
  if (signatures.readAhead) {
    toSign = signatures.commits();
  } else {
    const inC1 = new Uint8Array(graph.size);
    toSign = [];
    const byPaths = new CandidateIndex(graph, keyOf);
    for (const e of pending) {
      for (const x of byPaths.candidates(graph, e.added, e.removed)) {
        if (inC1[x] || patchIds.has(x) || !signatures.has(x)) continue;
        inC1[x] = 1;
        toSign.push(x);
      }
    }
    timing(`path-set candidates (${toSign.length} commits)`);
  }
  const sigs = new Float64Array(graph.size).fill(Number.NaN);
  for (const [x, sig] of storedSigs) sigs[x] = sig;
  const read = await signatures.signaturesOf(toSign);
  const sigIdx: number[] = [];
  const sigValues: number[] = [];
  for (let i = 0; i < toSign.length; i++) {
    sigs[toSign[i]!] = read[i]!;
    if (!Number.isNaN(read[i]!)) {
      sigIdx.push(toSign[i]!);
      sigValues.push(read[i]!);
    }
  }
  // Kept for diff, and for the next import's events.
  const sigsWritten = client.query(
    `INSERT INTO commit_diff_signature (repo_id, idx, signature)
     SELECT $1, * FROM unnest($2::int4[], $3::float8[])`,
    [repoId, int4ArrayBinary(sigIdx), float8ArrayBinary(sigValues)],
  );
  sigsWritten.catch(() => {}); // awaited below
  const sigOf = (x: number) => sigs[x];
  timing(`signatures of ${toSign.length} commits`);

  const bySig = new CandidateIndex(graph, keyOf, sigOf);
  const wanted = new Set<number>();
  const candidatesOf = pending.map((e) => bySig.candidates(graph, e.added, e.removed));
  for (const list of candidatesOf) for (const x of list) if (!patchIds.has(x)) wanted.add(x);
  timing(`candidates (${wanted.size} commits)`);
  const computedIds = await readPatchIds(
    clonePath,
    [...wanted].map((x) => graph.shas[x]!),
  );
  timing("patch-ids read");
  const newIdx: number[] = [];
  const newIds: string[] = [];
  for (const x of wanted) {
    const id = computedIds.get(graph.shas[x]!)!;
    patchIds.set(x, id);
    newIdx.push(x);
    newIds.push(id);
  }
  if (newIdx.length) {
    await client.query(
      `UPDATE "commit" c SET patch_id = t.id FROM unnest($2::int4[], $3::text[]) AS t(idx, id)
       WHERE c.repo_id = $1 AND c.idx = t.idx`,
      [repoId, int4ArrayBinary(newIdx), newIds],
    );
  }

  timing("patch-ids written");
  const byEnv = new Map<number, { seq: number[]; count: number[]; commits: string[]; pure: boolean[] }>();
  for (const [i, e] of pending.entries()) {
    const candidates = candidatesOf[i]!;
    const split =
      candidates.length === 0
        ? splitWithoutCandidates(graph, e.removed)
        : classifyRemoved(graph, e, { keyOf, sigOf, patchIdOf: (x) => patchIds.get(x) }, candidates);
    if (!split) continue; // cannot happen: every candidate got a patch-id above
    let rows = byEnv.get(e.envId);
    if (!rows) {
      rows = { seq: [], count: [], commits: [], pure: [] };
      byEnv.set(e.envId, rows);
    }
    rows.pure.push(e.pure);
    rows.seq.push(e.seq);
    rows.count.push(split.superseded.length);
    rows.commits.push(multirangeOf(split.superseded));
  }
  timing("classified");
  await sigsWritten;
  for (const [envId, rows] of byEnv) {
    await client.query(
      `UPDATE promotion_event e
       SET superseded_count = t.n, superseded_commits = t.c::int4multirange, is_pure_rollback = t.p
       FROM unnest($2::int4[], $3::int4[], $4::text[], $5::bool[]) AS t(seq, n, c, p)
       WHERE e.env_id = $1 AND e.seq = t.seq`,
      [envId, rows.seq, rows.count, rows.commits, rows.pure],
    );
  }
  timing("updated");
  return wanted.size;
}

/** A (usually small) set of commit numbers as an int4multirange literal. */
function multirangeOf(values: readonly number[]): string {
  if (values.length === 0) return "{}";
  const sorted = Int32Array.from(values).sort();
  const parts: string[] = [];
  let start = sorted[0]!;
  let prev = start;
  for (let i = 1; i <= sorted.length; i++) {
    const x = i < sorted.length ? sorted[i]! : -2;
    if (x === prev + 1) {
      prev = x;
      continue;
    }
    parts.push(`[${start},${prev + 1})`);
    start = prev = x;
  }
  return `{${parts.join(",")}}`;
}
