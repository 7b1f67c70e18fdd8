import type { Db } from "../db/client";
import { AppError } from "../errors";
import type { PromotionEventRow } from "./events-query";
import { describeCommits, type ReleaseCommit } from "./github-records";
import type { CommitGraph } from "./graph";
import { getCommitGraph } from "./graph-cache";
import { type ChangedPaths, getChangedPaths } from "./paths-cache";
import { compilePathspecs } from "./pathspec";
import { getRepositoryOrThrow } from "./repositories";
import { resolveRevision } from "./resolve";
import { rangeDiff } from "./walk";

/** A candidate commit of a trace: what the release page shows of a commit, and why it is listed. */
export interface TraceCandidate {
  sha: string;
  headline: string;
  author: string;
  committedAt: string;
  authorLogin: string | null;
  /** The commit's PR (the lowest-numbered one GitHub lists for it), with its approvers; null when none or not synced. */
  pr: { number: number; title: string; url: string; authorLogin: string | null; approvers: string[] } | null;
  ci: ReleaseCommit["ci"];
  signature: ReleaseCommit["signature"];
  merge: boolean;
  /** path: the commit's own change touches a given path (false when no path is given); grep: its message or PR title contains the text. */
  matches: { path: boolean; grep: boolean };
}

export interface TraceRemovedCommit {
  sha: string;
  headline: string;
  author: string;
  committedAt: string;
}

export interface TraceResult {
  repository: string;
  environment: string;
  /** When the behaviour was first seen (UTC). */
  at: string;
  /** The counted event of `environment` live at `at`. */
  suspect: PromotionEventRow;
  /** The last known good event; `goodEnvironment` is its environment (another one when given as ENV@SEQ). */
  good: PromotionEventRow;
  goodEnvironment: string;
  /** The events of `environment` after good and before the suspect, oldest first (as `lineage events --json`). */
  events: PromotionEventRow[];
  paths: string[];
  grep: string | null;
  /** How many candidates there are, and how many match grep. */
  candidateCount: number;
  grepCount: number;
  /** git rev-list good..suspect (-- paths): ranked, commits matching grep first, then newest first (a window of them when asked). */
  candidates: TraceCandidate[];
  /** Whether a rollback lies in the range: some commit live at good or in between is not in the suspect. */
  rollback: boolean;
  removedCount: number;
  /** Commits live at good or at an event in between that the suspect no longer has (rolled back), newest first. */
  removed: TraceRemovedCommit[];
  /** Whether any GitHub record of the repository is stored (else PRs, approvals, CI and signatures are unknown). */
  synced: boolean;
}

export interface TraceInput {
  repo: string;
  /** Default: the last environment in promotion order. */
  environment?: string;
  at: Date;
  /** A time (ISO 8601 date or date-time with offset), ENV@SEQ, or a revision. */
  good?: string;
  paths?: readonly string[];
  grep?: string;
  /** Describe only this slice of the ranked candidates (a page); all of them when left out. */
  window?: { offset: number; limit: number };
  /** List only this slice of the removed commits (newest first); all when left out. */
  removedWindow?: { offset: number; limit: number };
}

const EVENT_COLUMNS = `e.seq, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, e.source, e.ref, e.sha,
  COALESCE(e.actor, c.committer_name) AS actor, e.counted, e.status, e.is_baseline AS baseline,
  e.added_count AS added, e.removed_count AS removed, (e.removed_count > 0) AS rollback`;

type EventWithIdx = PromotionEventRow & { idx: number; atMs: number };

async function selectEvents(
  db: Pick<Db, "pool">,
  repoId: number,
  where: string,
  params: unknown[],
  tail = "ORDER BY e.seq",
): Promise<EventWithIdx[]> {
  const { rows } = await db.pool.query<PromotionEventRow & { idx: number }>(
    `SELECT ${EVENT_COLUMNS}, e.commit_idx AS idx
     FROM promotion_event e JOIN "commit" c ON c.repo_id = $1 AND c.idx = e.commit_idx
     WHERE ${where} ${tail}`,
    [repoId, ...params],
  );
  return rows.map((r) => ({ ...r, atMs: Date.parse(r.at) }));
}

const strip = ({ idx: _i, atMs: _a, ...event }: EventWithIdx): PromotionEventRow => event;

/** An ISO 8601 date (UTC midnight) or a date-time with Z or an offset; null when `v` is not one. */
export function parseTraceTime(v: string): Date | null {
  const date = /^\d{4}-\d{2}-\d{2}$/;
  const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;
  if (!date.test(v) && !dateTime.test(v)) return null;
  const at = new Date(v);
  if (Number.isNaN(at.getTime())) return null;
  // new Date rolls 2025-02-30 over to March: refuse dates that do not exist.
  const [y, m, d] = v.slice(0, 10).split("-").map(Number);
  const check = new Date(Date.UTC(y!, m! - 1, d!));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m! - 1 || check.getUTCDate() !== d) return null;
  return at;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Which commit introduced a behaviour first seen at `at` in an environment: the event live
 * then (the suspect), the last known good event, the events between, and the candidate
 * commits `git rev-list good..suspect` (with paths, `git rev-list --full-history --no-merges
 * good..suspect -- PATH…`), with GitHub's PRs, approvals, CI and signatures.
 */
export async function traceIncident(
  db: Pick<Db, "pool" | "getPrisma">,
  input: TraceInput,
): Promise<TraceResult> {
  const repository = await getRepositoryOrThrow(db, input.repo);
  const { rows: envs } = await db.pool.query<{ id: number; name: string }>(
    "SELECT id, name FROM environment WHERE repo_id = $1 ORDER BY position",
    [repository.id],
  );
  const known = () => envs.map((e) => e.name).join(", ") || "none";
  const env =
    input.environment === undefined ? envs[envs.length - 1] : envs.find((e) => e.name === input.environment);
  if (!env) {
    throw new AppError(
      "NOT_FOUND",
      input.environment === undefined
        ? `${repository.fullName} has no environments`
        : `${repository.fullName} has no environment "${input.environment}" (its environments: ${known()})`,
    );
  }
  const at = input.at;
  if (Number.isNaN(at.getTime())) throw new AppError("INVALID_ARGUMENT", "at is not a valid time");
  const paths = [...(input.paths ?? [])];
  const matchesPath = paths.length ? compilePathspecs(paths) : null;
  const grep = input.grep ? input.grep : null;

  // The suspect: the latest counted event (in the environment's order) at or before `at`.
  const [suspect] = await selectEvents(
    db,
    repository.id,
    "e.env_id = $2 AND e.counted AND e.at <= $3",
    [env.id, at],
    "ORDER BY e.seq DESC LIMIT 1",
  );
  if (!suspect) {
    const [first] = await selectEvents(
      db,
      repository.id,
      "e.env_id = $2 AND e.counted",
      [env.id],
      "ORDER BY e.seq LIMIT 1",
    );
    throw new AppError(
      "INVALID_ARGUMENT",
      first
        ? `${iso(at.getTime())} is before ${env.name}'s first event (#${first.seq} ${first.ref} at ${first.at}): nothing was live then`
        : `${env.name} has no counted events yet: nothing to trace`,
    );
  }

  const { good, goodEnvironment } = await findGood(db, repository.id, envs, env, suspect, at, input.good);
  const graph = await getCommitGraph(db, repository);

  // Events strictly between: in the same environment by order, else by time.
  const events = await selectEvents(
    db,
    repository.id,
    goodEnvironment === env.name
      ? "e.env_id = $2 AND e.seq > $3 AND e.seq < $4"
      : "e.env_id = $2 AND e.at > $3 AND e.seq < $4",
    [env.id, goodEnvironment === env.name ? good.seq : good.at, suspect.seq],
  );

  const { added } = rangeDiff(graph, good.idx, suspect.idx);
  // What was live at good or at a counted event between, and is not in the suspect: rolled back.
  const live = [good.idx, ...events.filter((e) => e.counted).map((e) => e.idx)];
  const removedIdx = rangeDiff(graph, suspect.idx, live).added;

  // Paths, headlines and authors of every commit, in memory.
  const texts = await getChangedPaths(db, repository.id);
  let candidates = added;
  if (matchesPath) {
    if (!(await hasChangedPaths(db, repository.id))) {
      throw new AppError(
        "INVALID_ARGUMENT",
        `${repository.fullName}'s changed paths are not known (it was only synced from GitHub, which does not list them): import a clone with lineage import-git to trace by path`,
      );
    }
    // --no-merges: a merge's own change is not compared with its parents.
    candidates = texts.filter(
      added.filter((i) => i < texts.size && graph.parentsOf(i).length <= 1),
      matchesPath,
    );
  }

  const { rows: syncedRows } = await db.pool.query<{ synced: boolean }>(
    "SELECT EXISTS (SELECT 1 FROM github_commit WHERE repo_id = $1) AS synced",
    [repository.id],
  );
  const synced = syncedRows[0]?.synced ?? false;
  const removedSorted = sortNewestFirst(graph, removedIdx);
  // Ranking reads nothing without grep; then the window's commits and the removed ones are
  // read side by side.
  const ranked = await rankCandidates(db, repository.id, graph, candidates, grep, synced);
  const window = input.window
    ? ranked.order.slice(input.window.offset, input.window.offset + input.window.limit)
    : ranked.order;
  const [described, removed] = await Promise.all([
    describeCandidates(db, repository.id, graph, texts, window, ranked.grep, matchesPath !== null, synced),
    summaries(
      db,
      repository.id,
      graph,
      texts,
      input.removedWindow
        ? removedSorted.slice(
            input.removedWindow.offset,
            input.removedWindow.offset + input.removedWindow.limit,
          )
        : removedSorted,
    ),
  ]);
  return {
    repository: repository.fullName,
    environment: env.name,
    at: iso(at.getTime()),
    suspect: strip(suspect),
    good: strip(good),
    goodEnvironment,
    events: events.map(strip),
    paths,
    grep,
    candidateCount: ranked.order.length,
    grepCount: ranked.grep?.size ?? 0,
    candidates: described,
    rollback: removedIdx.length > 0,
    removedCount: removedIdx.length,
    removed,
    synced,
  };
}

async function findGood(
  db: Pick<Db, "pool">,
  repoId: number,
  envs: { id: number; name: string }[],
  env: { id: number; name: string },
  suspect: EventWithIdx,
  at: Date,
  given: string | undefined,
): Promise<{ good: EventWithIdx; goodEnvironment: string }> {
  const before = async (where: string, params: unknown[]) =>
    (
      await selectEvents(
        db,
        repoId,
        `e.env_id = $2 AND e.counted AND e.seq < $3 AND ${where}`,
        [env.id, suspect.seq, ...params],
        "ORDER BY e.seq DESC LIMIT 1",
      )
    )[0];
  if (given === undefined || given === "") {
    const good = await before("true", []);
    if (!good) {
      throw new AppError(
        "INVALID_ARGUMENT",
        `the suspect #${suspect.seq} ${suspect.ref} (live at ${iso(at.getTime())}) is ${env.name}'s first event: there is no earlier event to compare it with (give good as a revision to compare with)`,
      );
    }
    return { good, goodEnvironment: env.name };
  }

  const time = parseTraceTime(given);
  if (time) {
    if (time.getTime() > at.getTime())
      throw new AppError(
        "INVALID_ARGUMENT",
        `good (${iso(time.getTime())}) is later than at (${iso(at.getTime())})`,
      );
    // The event live at that time; the suspect itself means nothing changed in between.
    const [live] = await selectEvents(
      db,
      repoId,
      "e.env_id = $2 AND e.counted AND e.seq <= $3 AND e.at <= $4",
      [env.id, suspect.seq, time],
      "ORDER BY e.seq DESC LIMIT 1",
    );
    if (live && live.seq !== suspect.seq) return { good: live, goodEnvironment: env.name };
    throw new AppError(
      "INVALID_ARGUMENT",
      live
        ? `good (${iso(time.getTime())}) falls within the suspect #${suspect.seq} ${suspect.ref}: the same event was live at both times, so nothing changed between them`
        : `good (${iso(time.getTime())}) is before ${env.name}'s first event: nothing was live then`,
    );
  }

  const envSeq = /^(.+)@(\d+)$/.exec(given);
  const named = envSeq ? envs.find((e) => e.name === envSeq[1]) : undefined;
  if (envSeq && named) {
    const seq = Number(envSeq[2]);
    const [good] = await selectEvents(db, repoId, "e.env_id = $2 AND e.seq = $3", [named.id, seq]);
    if (!good) throw new AppError("NOT_FOUND", `${named.name} has no event #${seq}`);
    if (!good.counted)
      throw new AppError(
        "INVALID_ARGUMENT",
        `${named.name}@${seq} did not succeed (${good.status ?? "not counted"}): it never ran, so it cannot be the good state`,
      );
    if (named.id === env.id ? good.seq >= suspect.seq : good.atMs > at.getTime())
      throw new AppError(
        "INVALID_ARGUMENT",
        named.id === env.id
          ? `good ${named.name}@${seq} is not before the suspect #${suspect.seq} (live at ${iso(at.getTime())})`
          : `good ${named.name}@${seq} (${good.at}) is later than at (${iso(at.getTime())})`,
      );
    return { good, goodEnvironment: named.name };
  }

  // A revision: the environment's latest event of that commit before the suspect, else any
  // environment's latest event of it up to `at`.
  const commit = await resolveRevision(db, repoId, given);
  const same = await before("e.commit_idx = $4", [commit.idx]);
  if (same) return { good: same, goodEnvironment: env.name };
  const { rows } = await db.pool.query<{ id: number; name: string; seq: number }>(
    `SELECT env.id, env.name, e.seq FROM promotion_event e JOIN environment env ON env.id = e.env_id
     WHERE env.repo_id = $1 AND e.counted AND e.commit_idx = $2 AND e.at <= $3
     ORDER BY e.at DESC, env.position LIMIT 1`,
    [repoId, commit.idx, at],
  );
  if (rows[0]) {
    const [good] = await selectEvents(db, repoId, "e.env_id = $2 AND e.seq = $3", [rows[0].id, rows[0].seq]);
    return { good: good!, goodEnvironment: rows[0].name };
  }
  throw new AppError(
    "INVALID_ARGUMENT",
    `good "${given}" (${commit.sha}) was not live in any environment before ${iso(at.getTime())}: give a time, ENV@SEQ, or a revision that was deployed`,
  );
}

async function hasChangedPaths(db: Pick<Db, "pool">, repoId: number): Promise<boolean> {
  const { rows } = await db.pool.query<{ imported: boolean }>(
    "SELECT imported_at IS NOT NULL AS imported FROM repository WHERE id = $1",
    [repoId],
  );
  return rows[0]?.imported ?? false;
}

function sortNewestFirst(graph: CommitGraph, idxs: number[]): number[] {
  return [...idxs].sort((x, y) => graph.committedAt(y) - graph.committedAt(x) || y - x);
}

interface SummaryRow {
  idx: number;
  sha: string;
  headline: string;
  author: string;
  committed_at: string;
}

/** SHA and time from the graph, headline and author from the cache; from the database past either's end. */
async function summaryRows(
  db: Pick<Db, "pool">,
  repoId: number,
  graph: CommitGraph,
  texts: ChangedPaths,
  idxs: number[],
): Promise<SummaryRow[]> {
  if (idxs.length === 0) return [];
  if (idxs.every((i) => i < texts.size && i < graph.size)) {
    return idxs.map((idx) => ({
      idx,
      sha: graph.shas[idx]!,
      headline: texts.headline(idx),
      author: texts.author(idx),
      committed_at: new Date(graph.committedAt(idx)).toISOString(),
    }));
  }
  const { rows } = await db.pool.query<SummaryRow>(
    `SELECT c.idx, c.sha, split_part(c.message, E'\\n', 1) AS headline, c.author_name AS author,
       to_char(c.committed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS committed_at
     FROM unnest($2::int[]) WITH ORDINALITY AS s(idx, n)
     JOIN "commit" c ON c.repo_id = $1 AND c.idx = s.idx
     ORDER BY s.n`,
    [repoId, idxs],
  );
  return rows;
}

async function summaries(
  db: Pick<Db, "pool">,
  repoId: number,
  graph: CommitGraph,
  texts: ChangedPaths,
  idxs: number[],
): Promise<TraceRemovedCommit[]> {
  return (await summaryRows(db, repoId, graph, texts, idxs)).map((r) => ({
    sha: r.sha,
    headline: r.headline,
    author: r.author,
    committedAt: r.committed_at,
  }));
}

/**
 * The candidates in their listed order: newest first (committer date, then topological
 * order), with the ones whose message or PR title contains `grep` (any case) moved ahead.
 */
async function rankCandidates(
  db: Pick<Db, "pool" | "getPrisma">,
  repoId: number,
  graph: CommitGraph,
  idxs: number[],
  grep: string | null,
  synced: boolean,
): Promise<{ order: number[]; grep: Set<number> | null }> {
  const newest = sortNewestFirst(graph, idxs);
  if (grep === null || newest.length === 0) return { order: newest, grep: grep === null ? null : new Set() };
  const needle = grep.toLowerCase();
  const [messages, titles] = await Promise.all([
    db.pool.query<{ idx: number }>(
      `SELECT c.idx FROM unnest($2::int[]) s(idx) JOIN "commit" c ON c.repo_id = $1 AND c.idx = s.idx
       WHERE strpos(lower(c.message), lower($3)) > 0`,
      [repoId, newest, grep],
    ),
    synced ? prTitleMatches(db, repoId, graph, newest, needle) : Promise.resolve([]),
  ]);
  const hits = new Set<number>([...messages.rows.map((r) => r.idx), ...titles]);
  return {
    order: [...newest.filter((i) => hits.has(i)), ...newest.filter((i) => !hits.has(i))],
    grep: hits,
  };
}

/** The commits of `idxs` in (or merged as) a PR whose title contains `needle` (lower case). */
async function prTitleMatches(
  db: Pick<Db, "getPrisma">,
  repoId: number,
  graph: CommitGraph,
  idxs: number[],
  needle: string,
): Promise<number[]> {
  const prisma = await db.getPrisma();
  const shas = idxs.map((i) => graph.shas[i]!);
  const [prCommits, merged] = await Promise.all([
    prisma.githubPullRequestCommit.findMany({
      where: { repoId, sha: { in: shas } },
      select: { sha: true, prNumber: true },
    }),
    prisma.githubPullRequest.findMany({
      where: { repoId, mergeCommitSha: { in: shas } },
      select: { number: true, mergeCommitSha: true, title: true },
    }),
  ]);
  const numbers = [...new Set(prCommits.map((p) => p.prNumber))];
  const prs = numbers.length
    ? await prisma.githubPullRequest.findMany({
        where: { repoId, number: { in: numbers } },
        select: { number: true, title: true },
      })
    : [];
  const matching = new Set(prs.filter((p) => p.title.toLowerCase().includes(needle)).map((p) => p.number));
  const out = new Set<number>();
  for (const pc of prCommits) if (matching.has(pc.prNumber)) out.add(graph.indexOf(pc.sha)!);
  for (const pr of merged)
    if (pr.mergeCommitSha && pr.title.toLowerCase().includes(needle))
      out.add(graph.indexOf(pr.mergeCommitSha)!);
  return [...out];
}

async function describeCandidates(
  db: Pick<Db, "pool" | "getPrisma">,
  repoId: number,
  graph: CommitGraph,
  texts: ChangedPaths,
  idxs: number[],
  grep: Set<number> | null,
  pathFiltered: boolean,
  synced: boolean,
): Promise<TraceCandidate[]> {
  const rows = await summaryRows(db, repoId, graph, texts, idxs);
  const github = await describeCommits(db, repoId, rows, synced);
  return rows.map<TraceCandidate>((r, k) => {
    const g = github[k]!;
    return {
      sha: r.sha,
      headline: r.headline,
      author: r.author,
      committedAt: r.committed_at,
      authorLogin: g.authorLogin,
      pr: g.pullRequests[0] ?? null,
      ci: g.ci,
      signature: g.signature,
      merge: graph.parentsOf(r.idx).length > 1,
      matches: { path: pathFiltered, grep: grep?.has(r.idx) ?? false },
    };
  });
}
