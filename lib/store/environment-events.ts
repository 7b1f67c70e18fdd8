import type { SourceKind } from "../config/schema";
import type { EventSpec } from "../lineage/events";
import type { CommitGraph } from "../lineage/graph";
import { EnvironmentReplay, rangeDiff, type StepResult } from "../lineage/walk";
import { int4ArrayBinary, intArrayLiteral, type Queryable } from "./sql";

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
  added_count, removed_count, added_commits, removed_commits`;

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

  // Events go in batches of many small ones; an event with a large added/removed set goes
  // alone, its arrays in PostgreSQL's binary format (a decimal literal would have to be built
  // here and parsed there).
  const idBySeq = new Map<number, number>();
  const INSERT = `INSERT INTO promotion_event (${EVENT_COLUMNS})
     SELECT $1, t.seq, t.commit_idx, t.sha, to_timestamp(t.at / 1000.0), t.actor, t.source::"EnvSourceKind", t.ref,
       t.counted, t.status, t.baseline, t.added, t.removed, t.added_commits::int[], t.removed_commits::int[]
     FROM unnest($2::int[], $3::int[], $4::text[], $5::float8[], $6::text[], $7::text[], $8::text[], $9::bool[],
       $10::text[], $11::bool[], $12::int[], $13::int[], $14::text[], $15::text[])
       AS t(seq, commit_idx, sha, at, actor, source, ref, counted, status, baseline, added, removed,
         added_commits, removed_commits)
     RETURNING id, seq`;
  const columns = (seqs: number[]) => [
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
  ];
  const record = (rows: { id: number; seq: number }[]) => {
    for (const r of rows) idBySeq.set(r.seq, r.id);
  };
  let batch: number[] = [];
  // Writes are chained, not awaited one by one: PostgreSQL writes one while the next is
  // encoded, and only one query runs on the connection at a time.
  let chain: Promise<void> = Promise.resolve();
  const enqueue = (write: () => Promise<void>) => {
    chain = chain.then(write);
    chain.catch(() => {}); // observed when awaited below; must not go unhandled meanwhile
  };
  const flush = () => {
    if (batch.length === 0) return;
    const seqs = batch;
    batch = [];
    const params = [
      ...columns(seqs),
      seqs.map((q) => intArrayLiteral(results[q]?.added ?? [])),
      seqs.map((q) => intArrayLiteral(results[q]?.removed ?? [])),
    ];
    enqueue(async () => record((await client.query<{ id: number; seq: number }>(INSERT, params)).rows));
  };
  for (let seq = k; seq < events.length; seq++) {
    const size = (results[seq]?.added.length ?? 0) + (results[seq]?.removed.length ?? 0);
    summary.eventCommitRows += size;
    if (size < 2000) {
      batch.push(seq);
      if (batch.length >= 5000) flush();
      continue;
    }
    const e = events[seq]!;
    const r = results[seq]!;
    const encoded = [int4ArrayBinary(r.added), int4ArrayBinary(r.removed)];
    enqueue(() =>
      client
        .query<{ id: number; seq: number }>(
          `INSERT INTO promotion_event (${EVENT_COLUMNS})
           VALUES ($1, $2, $3, $4, to_timestamp($5 / 1000.0), $6, $7::"EnvSourceKind", $8, $9, $10, $11, $12, $13,
             $14::int4[], $15::int4[])
           RETURNING id, seq`,
          [
            envId,
            seq,
            e.commit,
            e.sha,
            e.atMs,
            e.actor,
            e.source,
            e.ref,
            e.counted,
            e.status,
            r.baseline,
            r.added.length,
            r.removed.length,
            ...encoded,
          ],
        )
        .then(({ rows }) => record(rows)),
    );
  }
  flush();
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
