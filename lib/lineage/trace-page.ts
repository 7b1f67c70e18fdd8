import type { Db } from "../db/client";
import { AppError, isAppError } from "../errors";
import { type BisectStep, bisectStep, firstParentRange, type Mark } from "./bisect";
import type { PromotionEventRow } from "./events-query";
import { getCommitGraph } from "./graph-cache";
import { getRepositoryOrThrow } from "./repositories";
import { type TraceResult, traceIncident } from "./trace";
import { rangeDiff } from "./walk";

export interface BisectCommit {
  sha: string;
  headline: string;
  author: string;
  committedAt: string;
  merge: boolean;
}

export interface TraceBisect {
  /** Across the counted events after good, the suspect last (known bad). */
  events: {
    items: PromotionEventRow[];
    step: BisectStep;
    /** The marks that applied, by event number. */
    marks: [number, Mark][];
  };
  /** Across the first bad event's commits along its first parent; null until the event is known. */
  commits: {
    /** The first bad event and the good state before it. */
    event: PromotionEventRow;
    previous: PromotionEventRow;
    count: number;
    step: BisectStep;
    marks: [string, Mark][];
    /** The commits the step names (the one to test, the one found, or the ambiguous ones). */
    shown: BisectCommit[];
  } | null;
}

export interface TracePage {
  repository: string;
  environments: string[];
  /** The query's answer, or why it cannot be answered (a message for the form). */
  trace: { ok: true; result: TraceResult; bisect: TraceBisect } | { ok: false; message: string } | null;
}

const SHA_KEY = 12;

/**
 * The trace page: the environments for the form, the trace for the query, and where the
 * bisect stands given its marks (event marks by number, commit marks by 12-digit SHA).
 */
export async function getTracePage(
  db: Pick<Db, "pool" | "getPrisma">,
  input: {
    repo: string;
    environment?: string;
    at?: Date | null;
    good?: string;
    paths?: readonly string[];
    grep?: string;
    eventMarks: ReadonlyMap<string, Mark>;
    commitMarks: ReadonlyMap<string, Mark>;
    /** The candidate table's page (1-based) and size: only that page is described. */
    candidatesPage?: number;
    perPage?: number;
  },
): Promise<TracePage> {
  const repository = await getRepositoryOrThrow(db, input.repo);
  const { rows } = await db.pool.query<{ name: string }>(
    "SELECT name FROM environment WHERE repo_id = $1 ORDER BY position",
    [repository.id],
  );
  const page: TracePage = {
    repository: repository.fullName,
    environments: rows.map((r) => r.name),
    trace: null,
  };
  if (!input.at) return page;
  let result: TraceResult;
  const perPage = input.perPage ?? 50;
  const read = (page: number) =>
    traceIncident(db, {
      repo: repository.fullName,
      environment: input.environment,
      at: input.at!,
      good: input.good,
      paths: input.paths,
      grep: input.grep,
      window: { offset: (page - 1) * perPage, limit: perPage },
      removedWindow: { offset: 0, limit: 20 },
    });
  try {
    const page = Math.max(1, input.candidatesPage ?? 1);
    result = await read(page);
    const last = Math.max(1, Math.ceil(result.candidateCount / perPage));
    if (page > last) result = await read(last);
  } catch (err) {
    if (isAppError(err) && (err.code === "INVALID_ARGUMENT" || err.code === "NOT_FOUND"))
      return { ...page, trace: { ok: false, message: err.message } };
    throw err;
  }

  // Phase 1: the events.
  const items = [...result.events.filter((e) => e.counted), result.suspect];
  const eventMarks = new Map<number, Mark>();
  const appliedEvents: [number, Mark][] = [];
  items.forEach((e, i) => {
    const m = input.eventMarks.get(String(e.seq));
    if (m && i < items.length - 1) {
      eventMarks.set(i, m);
      appliedEvents.push([e.seq, m]);
    }
  });
  const step = bisectStep(items.length, eventMarks);
  const bisect: TraceBisect = { events: { items, step, marks: appliedEvents }, commits: null };

  // Phase 2: the first bad event's commits, first-parent order.
  if (step.kind === "found") {
    const event = items[step.index]!;
    const previous = step.index === 0 ? result.good : items[step.index - 1]!;
    const graph = await getCommitGraph(db, repository);
    const bad = graph.indexOf(event.sha);
    const good = graph.indexOf(previous.sha);
    if (bad === undefined || good === undefined)
      throw new AppError("INTERNAL", `event commits ${event.sha} / ${previous.sha} are not in the graph`);
    const chain = firstParentRange(graph, rangeDiff(graph, good, bad).added, bad);
    if (chain.length > 0) {
      const key = (i: number) => graph.shas[chain[i]!]!.slice(0, SHA_KEY);
      const marks = new Map<number, Mark>();
      const applied: [string, Mark][] = [];
      const byKey = new Map<string, number>();
      for (let i = 0; i < chain.length - 1; i++) byKey.set(key(i), i);
      for (const [k, m] of input.commitMarks) {
        const i = byKey.get(k);
        if (i !== undefined) {
          marks.set(i, m);
          applied.push([k, m]);
        }
      }
      const commitStep = bisectStep(chain.length, marks);
      const shownIdx =
        commitStep.kind === "ambiguous"
          ? commitStep.indices.slice(0, 50).map((i) => chain[i]!)
          : [chain[commitStep.index]!];
      bisect.commits = {
        event,
        previous,
        count: chain.length,
        step: commitStep,
        marks: applied,
        shown: await commitSummaries(db, repository.id, shownIdx, (i) => graph.parentsOf(i).length > 1),
      };
    } else {
      bisect.commits = { event, previous, count: 0, step, marks: [], shown: [] };
    }
  }
  return { ...page, trace: { ok: true, result, bisect } };
}

async function commitSummaries(
  db: Pick<Db, "pool">,
  repoId: number,
  idxs: number[],
  isMerge: (idx: number) => boolean,
): Promise<BisectCommit[]> {
  const { rows } = await db.pool.query<Omit<BisectCommit, "merge"> & { idx: number }>(
    `SELECT c.idx, c.sha, split_part(c.message, E'\\n', 1) AS headline, c.author_name AS author,
       to_char(c.committed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "committedAt"
     FROM unnest($2::int[]) WITH ORDINALITY AS s(idx, n)
     JOIN "commit" c ON c.repo_id = $1 AND c.idx = s.idx ORDER BY s.n`,
    [repoId, idxs],
  );
  return rows.map(({ idx, ...c }) => ({ ...c, merge: isMerge(idx) }));
}
