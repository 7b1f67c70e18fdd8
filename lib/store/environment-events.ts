import type { SourceKind } from "../config/schema";
import type { EventSpec } from "../lineage/events";
import type { CommitGraph } from "../lineage/graph";
import { classifyRemoved } from "../lineage/supersede";
import { EnvironmentReplay, rangeDiff, type StepResult } from "../lineage/walk";
import { int4ArrayBinary, type Queryable } from "./sql";

interface StoredEvent {
  id: number;
  seq: number;
  sha: string;
  at: Date;
  ref: string;
  counted: boolean;
  source: SourceKind;
  status: string | null;
  actor: string | null;
}

function sameEvent(a: StoredEvent, b: EventSpec): boolean {
  return (
    a.sha === b.sha &&
    a.at.getTime() === b.atMs &&
    a.ref === b.ref &&
    a.counted === b.counted &&
    a.source === b.source
  );
}

const EVENT_COLUMNS = `env_id, seq, commit_idx, sha, at, actor, source, ref, counted, status, is_baseline,
  added_count, removed_count, added_commits, removed_commits, is_pure_rollback, superseded_count, superseded_commits`;

/**
 * Writes sets of commit numbers (< size) as int4multirange literals: "{[3,7),[9,10)}".
 * Large sets are sorted by marking a bitmap and scanning it, small ones by sorting.
 */
class RunEncoder {
  private readonly marks: Uint8Array;
  constructor(size: number) {
    this.marks = new Uint8Array(size + 1);
  }

  multirange(values: readonly number[]): string {
    if (values.length === 0) return "{}";
    const parts: string[] = [];
    const emit = (start: number, end: number) => parts.push(`[${start},${end})`);
    if (values.length < 64) {
      const sorted = Int32Array.from(values).sort();
      let start = sorted[0]!;
      let prev = start;
      for (let i = 1; i < sorted.length; i++) {
        const x = sorted[i]!;
        if (x === prev + 1) {
          prev = x;
          continue;
        }
        emit(start, prev + 1);
        start = prev = x;
      }
      emit(start, prev + 1);
      return `{${parts.join(",")}}`;
    }
    const marks = this.marks;
    let min = values[0]!;
    let max = min;
    for (const x of values) {
      marks[x] = 1;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    // marks[max + 1] is 0 (the array has a spare slot), so every run ends inside the scan.
    let start = -1;
    for (let x = min; x <= max + 1; x++) {
      if (marks[x]) {
        if (start < 0) start = x;
        marks[x] = 0;
      } else if (start >= 0) {
        emit(start, x);
        start = -1;
      }
    }
    return `{${parts.join(",")}}`;
  }
}

/**
 * The superseded/dropped split of an event when it needs no patch-id: nothing removed, or
 * no non-merge commit added that a removed one could equal (a pure rollback, say). Else
 * null, for the import to fill in from the clone (see lib/git/supersede-events.ts).
 */
function splitWithoutPatchIds(
  graph: CommitGraph,
  result: StepResult | undefined,
): { superseded: number[]; dropped: number[] } | null {
  if (!result || result.removed.length === 0) return { superseded: [], dropped: [] };
  if (result.added.some((a) => graph.parentsOf(a).length <= 1)) return null;
  return classifyRemoved(graph, result, { keyOf: () => undefined, patchIdOf: () => undefined });
}

export interface PersistSummary {
  events: number;
  unchanged: number;
  written: number;
  /** Commits in the added/removed sets written. */
  eventCommitRows: number;
}

export interface ReplayedEnvironment {
  replay: EnvironmentReplay;
  /** Per event seq: its added/removed sets (undefined for events that do not count). */
  results: (StepResult | undefined)[];
  /** The event seq of each counted step. */
  stepSeq: number[];
}

/** The replay one step at a time: yields after each counted event. */
function* replaySteps(events: readonly EventSpec[], out: ReplayedEnvironment) {
  for (let seq = 0; seq < events.length; seq++) {
    const e = events[seq]!;
    if (!e.counted) continue;
    out.stepSeq.push(seq);
    out.results[seq] = out.replay.step(e.commit);
    yield;
  }
}

function emptyReplay(graph: CommitGraph, events: readonly EventSpec[]): ReplayedEnvironment {
  return { replay: new EnvironmentReplay(graph), results: new Array(events.length), stepSeq: [] };
}

/** Replays an environment's events in memory: pure CPU, no database. */
export function replayEnvironment(graph: CommitGraph, events: readonly EventSpec[]): ReplayedEnvironment {
  const out = emptyReplay(graph, events);
  for (const _ of replaySteps(events, out));
  return out;
}

/**
 * replayEnvironment that lets pending I/O run every few milliseconds, for a caller that is
 * also reading a child process's output (the child blocks once its pipe is full).
 */
export async function replayEnvironmentYielding(
  graph: CommitGraph,
  events: readonly EventSpec[],
  sliceMs = 10,
): Promise<ReplayedEnvironment> {
  const out = emptyReplay(graph, events);
  let sliceStart = performance.now();
  for (const _ of replaySteps(events, out)) {
    if (performance.now() - sliceStart > sliceMs) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
  return out;
}

/**
 * Stores an environment's events with their added/removed sets and each commit's first
 * reach. Events are compared with what is stored: the common prefix stays, only the rest is
 * rewritten (a new tag at the end rewrites one event), and `current` flags are flipped only
 * for the commits between the old and the new latest counted event. A kept event whose
 * status or actor changed is updated in place.
 */
export async function persistEnvironmentEvents(
  client: Queryable,
  {
    envId,
    graph,
    events,
    computed,
  }: { envId: number; graph: CommitGraph; events: readonly EventSpec[]; computed?: ReplayedEnvironment },
): Promise<PersistSummary> {
  const { rows: stored } = await client.query<StoredEvent>(
    "SELECT id, seq, sha, at, ref, counted, source, status, actor FROM promotion_event WHERE env_id = $1 ORDER BY seq",
    [envId],
  );
  let k = 0;
  while (k < stored.length && k < events.length && sameEvent(stored[k]!, events[k]!)) k++;
  const summary: PersistSummary = {
    events: events.length,
    unchanged: k,
    written: events.length - k,
    eventCommitRows: 0,
  };
  // A kept event's details can still change (a deployment superseded since turns INACTIVE).
  const details = stored
    .slice(0, k)
    .filter((e) => e.status !== events[e.seq]!.status || e.actor !== events[e.seq]!.actor);
  if (details.length) {
    await client.query(
      `UPDATE promotion_event e SET status = t.status, actor = t.actor
       FROM unnest($1::int[], $2::text[], $3::text[]) AS t(id, status, actor) WHERE e.id = t.id`,
      [
        details.map((e) => e.id),
        details.map((e) => events[e.seq]!.status),
        details.map((e) => events[e.seq]!.actor),
      ],
    );
  }
  if (k === stored.length && k === events.length) return summary;

  // The whole replay is needed for the state at k, but only results from seq k on are written.
  const { replay, results, stepSeq } = computed ?? replayEnvironment(graph, events);
  const oldLatest = [...stored].reverse().find((e) => e.counted);
  await client.query(
    `DELETE FROM env_reach WHERE env_id = $1
     AND first_event_id IN (SELECT id FROM promotion_event WHERE env_id = $1 AND seq >= $2)`,
    [envId, k],
  );
  await client.query("DELETE FROM promotion_event WHERE env_id = $1 AND seq >= $2", [envId, k]);

  // Reach rows of events before k survive; their `current` changes only for commits between
  // the old and the new latest counted event.
  if (oldLatest && replay.latest < 0) {
    await client.query("UPDATE env_reach SET current = false WHERE env_id = $1", [envId]);
  } else if (oldLatest) {
    const flips = rangeDiff(graph, graph.indexOf(oldLatest.sha)!, replay.latest);
    for (const [ids, value] of [
      [flips.added, true],
      [flips.removed, false],
    ] as const) {
      if (ids.length === 0) continue;
      await client.query(
        "UPDATE env_reach SET current = $3 WHERE env_id = $1 AND commit_idx = ANY($2::int4[])",
        [envId, int4ArrayBinary(ids), value],
      );
    }
  }

  // Events go in batches; each added/removed set travels as a multirange literal, a few
  // runs of consecutive commit numbers however many commits it holds.
  const idBySeq = new Map<number, number>();
  const INSERT = `INSERT INTO promotion_event (${EVENT_COLUMNS})
     SELECT $1, t.seq, t.commit_idx, t.sha, to_timestamp(t.at / 1000.0), t.actor, t.source::"EnvSourceKind", t.ref,
       t.counted, t.status, t.baseline, t.added, t.removed, t.added_commits::int4multirange,
       t.removed_commits::int4multirange, t.pure_rollback, t.superseded, t.superseded_commits::int4multirange
     FROM unnest($2::int[], $3::int[], $4::text[], $5::float8[], $6::text[], $7::text[], $8::text[], $9::bool[],
       $10::text[], $11::bool[], $12::int[], $13::int[], $14::text[], $15::text[], $16::bool[], $17::int[], $18::text[])
       AS t(seq, commit_idx, sha, at, actor, source, ref, counted, status, baseline, added, removed,
         added_commits, removed_commits, pure_rollback, superseded, superseded_commits)
     RETURNING id, seq`;
  // Writes are chained, not awaited one by one: PostgreSQL writes one batch while the next
  // is encoded, and only one query runs on the connection at a time.
  let chain: Promise<void> = Promise.resolve();
  const runs = new RunEncoder(graph.size);
  for (let from = k; from < events.length; from += 2000) {
    const seqs: number[] = [];
    for (let seq = from; seq < Math.min(from + 2000, events.length); seq++) seqs.push(seq);
    const splits = seqs.map((q) => splitWithoutPatchIds(graph, results[q]));
    const params = [
      envId,
      seqs,
      seqs.map((q) => events[q]!.commit),
      seqs.map((q) => events[q]!.sha),
      seqs.map((q) => events[q]!.atMs),
      seqs.map((q) => events[q]!.actor),
      seqs.map((q) => events[q]!.source),
      seqs.map((q) => events[q]!.ref),
      seqs.map((q) => events[q]!.counted),
      seqs.map((q) => events[q]!.status),
      seqs.map((q) => results[q]?.baseline ?? false),
      seqs.map((q) => results[q]?.added.length ?? 0),
      seqs.map((q) => results[q]?.removed.length ?? 0),
      seqs.map((q) => runs.multirange(results[q]?.added ?? [])),
      seqs.map((q) => runs.multirange(results[q]?.removed ?? [])),
      seqs.map((q) => results[q]?.pureRollback ?? false),
      splits.map((x) => (x ? x.superseded.length : null)),
      splits.map((x) => (x ? runs.multirange(x.superseded) : null)),
    ];
    for (const q of seqs)
      summary.eventCommitRows += (results[q]?.added.length ?? 0) + (results[q]?.removed.length ?? 0);
    chain = chain.then(async () => {
      const { rows } = await client.query<{ id: number; seq: number }>(INSERT, params);
      for (const r of rows) idBySeq.set(r.seq, r.id);
    });
    chain.catch(() => {}); // observed when awaited below; must not go unhandled meanwhile
    await new Promise((resolve) => setImmediate(resolve)); // let the write go out meanwhile
  }
  await chain;

  const idOfSeq = (seq: number) => idBySeq.get(seq)!;

  const reachCommit: number[] = [];
  const reachEvent: number[] = [];
  const reachCurrent: boolean[] = [];
  const firstReach = replay.firstReach;
  for (let x = 0; x < firstReach.length; x++) {
    const step = firstReach[x]!;
    if (step < 0) continue;
    const seq = stepSeq[step]!;
    if (seq < k) continue;
    reachCommit.push(x);
    reachEvent.push(idOfSeq(seq));
    reachCurrent.push(replay.isMember(x));
  }
  for (let i = 0; i < reachCommit.length; i += 500_000) {
    await client.query(
      `INSERT INTO env_reach (env_id, commit_idx, first_event_id, current)
       SELECT $1, t.c, t.e, t.cur = 1 FROM unnest($2::int4[], $3::int4[], $4::int4[]) AS t(c, e, cur)`,
      [
        envId,
        int4ArrayBinary(reachCommit.slice(i, i + 500_000)),
        int4ArrayBinary(reachEvent.slice(i, i + 500_000)),
        int4ArrayBinary(reachCurrent.slice(i, i + 500_000).map(Number)),
      ],
    );
  }
  return summary;
}
