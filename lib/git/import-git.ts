import { createHash } from "node:crypto";
import path from "node:path";
import { compileGlob } from "../config/glob";
import type { TRepositoryConfig } from "../config/schema";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { environmentEvents, type RefSources, type TagForEvents } from "../lineage/events";
import { CommitGraph } from "../lineage/graph";
import { pathSetKey } from "../lineage/supersede";
import { type ProgressSink, silentProgress } from "../progress";
import { forgetHistory, insertCommits, loadGraphInto, type NewCommitRow } from "../store/commits";
import {
  type PersistSummary,
  persistEnvironmentEvents,
  replayEnvironmentYielding,
} from "../store/environment-events";
import { syncEnvironments } from "../store/environments";
import { type Queryable, serialized, withTransaction } from "../store/sql";
import { DiffSignatures } from "./diff-signatures";
import { type GitCommitRecord, readLog, readTopology } from "./read-log";
import { assertGitRepository, type CloneRefs, type GitTagInfo, presentCommits, readRefs } from "./read-refs";
import { gitSync } from "./run-git";
import { supersedeWrittenEvents, type WrittenEnvironment } from "./supersede-events";

// Bump when the import's output for the same input changes, so existing imports redo it.
const IMPORTER_VERSION = 3; // 2: tag globs as git wildmatch; 3: superseded/dropped split

export interface ImportSummary {
  repo: string;
  upToDate: boolean;
  newCommits: number;
  totalCommits: number;
  tags: number;
  branches: number;
  environments: ({ name: string } & PersistSummary)[];
  skippedRefs: string[];
  /** The stored history was numbered again (the clone, shallow before, was deepened). */
  renumbered: boolean;
  /** Environments whose source the clone does not hold: a branch it lacks, a glob no tag matches. */
  warnings: string[];
  /** Commits whose patch-id git computed, to tell superseded removed commits from dropped ones. */
  patchIds: number;
}

function fingerprintOf(refs: CloneRefs, repoConfig: TRepositoryConfig): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ v: IMPORTER_VERSION, envs: repoConfig.environments }));
  for (const b of refs.branches) hash.update(`b ${b.name} ${b.commit}\n`);
  for (const t of refs.tags) hash.update(`t ${t.name} ${t.objectSha ?? ""} ${t.commit}\n`);
  for (const s of refs.shallow) hash.update(`s ${s}\n`);
  // A checkout that moves only HEAD must still refresh the stored HEAD.
  if (refs.head) hash.update(`h ${refs.head}\n`);
  return hash.digest("hex");
}

/**
 * Imports a local clone: every commit reachable from a branch or tag, the tags, and then
 * each environment's promotion events. The whole import is one transaction, so a killed
 * run leaves the database as it was and the next run starts over from there; a run on an
 * unchanged clone (same refs, same environment config) stops after reading the refs.
 */
export async function importGit(
  db: Db,
  {
    clonePath,
    repoConfig,
    progress = silentProgress,
  }: { clonePath: string; repoConfig: TRepositoryConfig; progress?: ProgressSink },
): Promise<ImportSummary> {
  const absPath = path.resolve(clonePath);
  const repository = assertGitRepository(absPath);
  progress({ phase: "reading refs", done: 0, unit: "refs" });
  const refs = readRefs(absPath, repository);
  progress({ phase: "reading refs", done: refs.branches.length + refs.tags.length, unit: "refs" });
  const fingerprint = fingerprintOf(refs, repoConfig);
  const summary: ImportSummary = {
    repo: repoConfig.repo,
    upToDate: false,
    newCommits: 0,
    totalCommits: 0,
    tags: refs.tags.length,
    branches: refs.branches.length,
    environments: [],
    skippedRefs: refs.skipped,
    renumbered: false,
    warnings: sourceWarnings(repoConfig, refs),
    patchIds: 0,
  };

  const existing = await db.pool.query<{
    id: number;
    import_fingerprint: string | null;
    commit_count: number;
  }>("SELECT id, import_fingerprint, commit_count FROM repository WHERE full_name = $1", [repoConfig.repo]);
  if (existing.rows[0]?.import_fingerprint === fingerprint) {
    return { ...summary, upToDate: true, totalCommits: existing.rows[0].commit_count };
  }

  let repoId = 0;
  const result = await withTransaction(db, async (client) => {
    // Two imports of one repository would number commits twice: the second waits here, and
    // reads the repository's row only once the first has committed.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('lineage-import:' || $1))", [repoConfig.repo]);
    const { rows: repoRows } = await client.query<{
      id: number;
      commit_count: number;
      import_fingerprint: string | null;
    }>(
      `INSERT INTO repository (full_name, clone_path) VALUES ($1, $2)
       ON CONFLICT (full_name) DO UPDATE SET clone_path = EXCLUDED.clone_path
       RETURNING id, commit_count, import_fingerprint`,
      [repoConfig.repo, absPath],
    );
    const repo = repoRows[0]!;
    repoId = repo.id;
    if (repo.import_fingerprint === fingerprint) {
      // The import it waited for already brought the repository to this state.
      return { ...summary, upToDate: true, totalCommits: repo.commit_count };
    }

    let graph = new CommitGraph();
    if (repo.commit_count > 0) {
      progress({ phase: "loading stored graph", done: 0, unit: "commits" });
      await loadGraphInto(client, repo.id, graph);
      if (graph.size !== repo.commit_count) {
        throw new AppError(
          "CONFLICT",
          `repository ${repoConfig.repo}: stored commit count does not match; re-run`,
        );
      }
      progress({ phase: "loading stored graph", done: graph.size, unit: "commits" });
    }

    // A shallow clone deepened since (git fetch --unshallow / --deepen) now shows parents of
    // commits stored as roots: older commits would need smaller numbers than their children,
    // so the history is numbered again from scratch.
    if (graph.size > 0 && rootsGainedParents(graph, absPath)) {
      progress({ phase: "history deepened since the last import: renumbering", done: 0 });
      await forgetHistory(client, repo.id);
      graph = new CommitGraph();
      summary.renumbered = true;
    }

    // Only commits that no previously imported ref reaches are read from git.
    const { rows: oldRefs } = await client.query<{ sha: string }>(
      "SELECT DISTINCT sha FROM git_ref WHERE repo_id = $1",
      [repo.id],
    );
    const include = [...new Set([...refs.branches.map((b) => b.commit), ...refs.tags.map((t) => t.commit)])];
    const exclude = presentCommits(
      absPath,
      oldRefs.map((r) => r.sha).filter((sha) => graph.indexOf(sha) !== undefined),
    );
    const revisions = { include, exclude };
    const stored = graph.size;
    // Whether the clone's history meets the stored one: an old ref still in the clone, a commit
    // already stored, or a new commit whose parent is stored. A clone that does none of these
    // is another repository's, and importing it would bury this one's history under it.
    let meetsStored = exclude.length > 0;

    // Two gits run at once. rev-list gives the new commits' shape, parents first, in a
    // fraction of the time; from it the commits are numbered and the environments replayed
    // and written while git log (newest first, which it starts writing at once) still
    // streams messages and changed paths. Every write goes through one queue on this
    // transaction's connection, so PostgreSQL works while git and the parser do.
    const db = serialized(client);
    const t0 = performance.now();
    const timing = (what: string) => {
      if (process.env.LINEAGE_IMPORT_TIMING)
        process.stderr.write(`timing ${what}: ${((performance.now() - t0) / 1000).toFixed(3)} s\n`);
    };
    // The first failure, wherever it happens, stops both gits; later ones are its echoes
    // (an aborted git, a query in the failed transaction).
    const abort = new AbortController();
    let firstFailure: unknown;
    const fail = (err: unknown) => {
      if (!abort.signal.aborted) firstFailure = err;
      abort.abort();
    };
    let writes: Promise<void> = Promise.resolve();
    const enqueue = (write: () => Promise<void>) => {
      writes = writes.then(write);
      writes.catch(fail); // observed below
    };
    let batch: NewCommitRow[] = [];
    let logged = 0;
    let written = 0;
    const writeBatch = () => {
      const rows = batch;
      batch = [];
      enqueue(async () => {
        await insertCommits(db, repo.id, rows);
        written += rows.length;
        progress({ phase: "writing commits", done: written, unit: "commits" });
      });
    };
    // Commits that lineage sync stored first (same SHA) keep their idx; the clone adds the
    // changed paths GitHub's GraphQL API cannot give.
    const pathsOfStored: { idx: number; paths: string[] }[] = [];
    // Which commits can be equivalent (same changed paths), for the superseded/dropped split.
    let newPathKeys = new Uint32Array(0);
    // Blobs of the new non-merge commits are read and hashed while git log streams.
    const signatures = new DiffSignatures(absPath);
    // LINEAGE_NO_SPLIT=1 (for the benchmark only): leaves the split unknown, to measure its cost.
    const split = !process.env.LINEAGE_NO_SPLIT;
    const writtenEnvs: WrittenEnvironment[] = [];
    const place = (c: GitCommitRecord) => {
      const idx = graph.indexOf(c.sha);
      if (idx === undefined) {
        throw new AppError("GIT_FAILED", `git log listed ${c.sha}, which git rev-list did not`);
      }
      if (idx < stored) {
        pathsOfStored.push({ idx, paths: c.changedPaths });
        return;
      }
      newPathKeys[idx - stored] = pathSetKey(c.changedPaths);
      if (split && graph.parentsOf(idx).length <= 1) signatures.add(idx, c.changedPaths, c.rawStart);
      const row = c as unknown as NewCommitRow;
      row.idx = idx;
      row.parentIdx = Array.from(graph.parentsOf(idx));
      logged++;
      batch.push(row);
      if (batch.length >= 10_000) writeBatch();
      if (logged % 5000 === 0) progress({ phase: "reading git log", done: logged, unit: "commits" });
    };
    // git log's commits that arrive before rev-list has finished wait here.
    let early: GitCommitRecord[] | null = [];

    const afterTopology = readTopology(
      absPath,
      revisions,
      (sha, parents, committedAtMs) => {
        if (graph.indexOf(sha) !== undefined) {
          meetsStored = true;
          return; // stored by lineage sync already
        }
        const parentIdx: number[] = [];
        for (const p of parents) {
          const idx = graph.indexOf(p);
          // A parent missing from the clone is the edge of a shallow clone.
          if (idx !== undefined) parentIdx.push(idx);
          if (idx !== undefined && idx < stored) meetsStored = true;
        }
        graph.add(sha, parentIdx, committedAtMs);
      },
      abort.signal,
    ).then(async () => {
      timing("rev-list done");
      if (stored > 0 && graph.size > stored && !meetsStored) {
        throw new AppError(
          "INVALID_ARGUMENT",
          `${absPath} is not ${repoConfig.repo}: it shares no commit with the stored history (stored root ${graph.shas[0]}, clone root ${graph.shas[stored]}); import it under its own --repo`,
        );
      }
      progress({ phase: "numbering commits", done: graph.size - stored, unit: "commits" });
      newPathKeys = new Uint32Array(graph.size - stored);
      for (const c of early!) place(c);
      early = null;

      const tags = tagsOf(refs, graph);
      enqueue(() => replaceTagsAndRefs(db, repo.id, refs, tags));
      summary.environments = await writeEnvironments(db, {
        repoId: repo.id,
        repoConfig,
        graph,
        refs,
        tags,
        signal: abort.signal,
        progress,
        written: writtenEnvs,
      });
    });
    afterTopology.then(
      () => timing("environments written"),
      () => {},
    );
    afterTopology.catch(fail);
    const logDone = readLog(
      absPath,
      revisions,
      (c) => (early ? early.push(c) : place(c)),
      abort.signal,
      split ? signatures.raw : undefined,
    );
    logDone.then(
      () => timing("git log done"),
      () => {},
    );
    logDone.catch(fail);
    // On a failure, every flow is let finish (each stops at the abort) before the error goes
    // up, so no query of this import can run after the ROLLBACK.
    await Promise.allSettled([afterTopology, logDone]);
    if (batch.length && !abort.signal.aborted) writeBatch();
    await writes.catch(() => {});
    if (abort.signal.aborted) {
      signatures.abort();
      throw firstFailure;
    }
    timing("writes done");
    progress({ phase: "reading git log", done: logged, unit: "commits" });
    if (logged !== graph.size - stored) {
      throw new AppError(
        "GIT_FAILED",
        `git log listed ${logged} new commits but git rev-list ${graph.size - stored}`,
      );
    }
    if (pathsOfStored.length) {
      await client.query(
        `UPDATE "commit" c SET changed_paths = t.paths
         FROM json_to_recordset($2::json) AS t(idx int, paths text[])
         WHERE c.repo_id = $1 AND c.idx = t.idx AND c.changed_paths IS DISTINCT FROM t.paths`,
        [repo.id, JSON.stringify(pathsOfStored)],
      );
    }
    progress({ phase: "telling superseded from dropped commits", done: 0, unit: "events" });
    try {
      if (split)
        summary.patchIds = await supersedeWrittenEvents(client, {
          repoId: repo.id,
          clonePath: absPath,
          graph,
          environments: writtenEnvs,
          newPathKeys,
          signatures,
          stored,
        });
    } finally {
      signatures.abort(); // a git still reading ahead, after a failure
    }
    timing("supersede done");
    summary.newCommits = logged;
    summary.totalCommits = graph.size;

    await client.query(
      "UPDATE repository SET import_fingerprint = $2, imported_at = now(), commit_count = $3 WHERE id = $1",
      [repo.id, fingerprint, graph.size],
    );
    return summary;
  });
  if (result.renumbered) {
    // Commits only GitHub knows, and deployment events, were numbered by the old graph;
    // lineage sync's last step adds them back (and does so again at the next sync, should
    // this process stop first).
    const { materializeRepository } = await import("../github/sync/materialize");
    await materializeRepository(db, { repoId, config: repoConfig });
  }
  return result;
}

/** Whether any commit stored without parents has parents in the clone now. */
function rootsGainedParents(graph: CommitGraph, clonePath: string): boolean {
  const stored: string[] = [];
  for (let i = 0; i < graph.size; i++) if (graph.parentsOf(i).length === 0) stored.push(graph.shas[i]!);
  const roots = presentCommits(clonePath, stored);
  if (roots.length === 0) return false;
  const out = gitSync(
    clonePath,
    ["rev-list", "--no-walk=unsorted", "--parents", "--stdin"],
    `${roots.join("\n")}\n`,
  );
  return out.split("\n").some((line) => line.includes(" "));
}

/**
 * Replays and stores the events of every environment whose source the clone holds (tags,
 * branch). Replays yield to I/O, as git log may still be streaming.
 */
async function writeEnvironments(
  db: Queryable,
  {
    repoId,
    repoConfig,
    graph,
    refs,
    tags,
    signal,
    progress,
    written,
  }: {
    repoId: number;
    repoConfig: TRepositoryConfig;
    graph: CommitGraph;
    refs: CloneRefs;
    tags: TagForEvents[];
    signal: AbortSignal;
    progress: ProgressSink;
    /** Receives each environment's replay and the first seq written, for supersedeWrittenEvents. */
    written: WrittenEnvironment[];
  },
): Promise<ImportSummary["environments"]> {
  const envRows = await syncEnvironments(db, repoId, repoConfig.environments);
  const sources = cloneSources(refs, graph, tags);
  // Each environment's writes start as soon as its replay is done and queue on the
  // connection while the next environment is replayed.
  const writes: Promise<ImportSummary["environments"][number]>[] = [];
  for (const env of envRows) {
    signal.throwIfAborted();
    // Deployment events come from GitHub (lineage sync), never from a clone.
    if (env.sourceKind === "deployments") continue;
    // Every commit the clone's refs reach was just read, so a branch tip is never pending.
    const events = environmentEvents(graph, env, sources) ?? [];
    const computed = await replayEnvironmentYielding(graph, events);
    const phase = `environment ${env.name}`;
    progress({ phase, done: 0, total: events.length, unit: "events" });
    const write = persistEnvironmentEvents(db, { envId: env.id, graph, events, computed }).then((result) => {
      progress({ phase, done: events.length, total: events.length, unit: "events" });
      written.push({ envId: env.id, events, computed, fromSeq: events.length - result.written });
      return { name: env.name, ...result };
    });
    write.catch(() => {}); // observed below
    writes.push(write);
  }
  return Promise.all(writes);
}

function creatorDateMs(tag: GitTagInfo, graph: CommitGraph, commit: number): number {
  // An annotated tag is created when tagged; a lightweight one (or an old tag object with no
  // tagger line) has only its commit's date.
  return tag.taggedAtMs ?? graph.committedAt(commit);
}

interface TagRow extends TagForEvents {
  info: GitTagInfo;
}

function tagsOf(refs: CloneRefs, graph: CommitGraph): TagRow[] {
  return refs.tags.flatMap((t) => {
    const commit = graph.indexOf(t.commit);
    return commit === undefined
      ? []
      : [
          {
            name: t.name,
            commit,
            createdAtMs: creatorDateMs(t, graph, commit),
            taggerName: t.taggerName,
            info: t,
          },
        ];
  });
}

async function replaceTagsAndRefs(
  client: Queryable,
  repoId: number,
  refs: CloneRefs,
  tags: TagRow[],
): Promise<void> {
  await client.query("DELETE FROM tag WHERE repo_id = $1", [repoId]);
  await client.query(
    `INSERT INTO tag (repo_id, name, commit_idx, object_sha, annotated, tagger_name, tagger_email, tagged_at, message, created_at)
     SELECT $1, t.name, t.commit_idx, t.object_sha, t.object_sha IS NOT NULL, t.tn, t.te,
       to_timestamp(t.ta / 1000.0), t.msg, to_timestamp(t.ca / 1000.0)
     FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::text[], $9::float8[])
       AS t(name, commit_idx, object_sha, tn, te, ta, msg, ca)`,
    [
      repoId,
      tags.map((x) => x.name),
      tags.map((x) => x.commit),
      tags.map((x) => x.info.objectSha),
      tags.map((x) => x.info.taggerName),
      tags.map((x) => x.info.taggerEmail),
      tags.map((x) => x.info.taggedAtMs),
      tags.map((x) => x.info.message),
      tags.map((x) => x.createdAtMs),
    ],
  );
  const allRefs = [
    ...refs.branches.map((b) => ({ name: b.name, sha: b.commit })),
    ...refs.tags.map((t) => ({ name: `refs/tags/${t.name}`, sha: t.commit })),
    // Stored as a plain ref named HEAD so revisions resolve it like any other name.
    ...(refs.head ? [{ name: "HEAD", sha: refs.head }] : []),
  ];
  await client.query("DELETE FROM git_ref WHERE repo_id = $1", [repoId]);
  await client.query(
    "INSERT INTO git_ref (repo_id, name, sha) SELECT $1, * FROM unnest($2::text[], $3::text[])",
    [repoId, allRefs.map((r) => r.name), allRefs.map((r) => r.sha)],
  );
}

/** The branch a `branch` source names: a local branch, else a unique remote-tracking one. */
export function resolveBranchRef(refs: Pick<CloneRefs, "branches">, branch: string): string | undefined {
  const local = refs.branches.find((b) => b.name === `refs/heads/${branch}`);
  if (local) return local.commit;
  const remote = refs.branches.filter((b) => /^refs\/remotes\/[^/]+\/(.+)$/.exec(b.name)?.[1] === branch);
  const origin = remote.find((b) => b.name.startsWith("refs/remotes/origin/"));
  return (origin ?? (remote.length === 1 ? remote[0] : undefined))?.commit;
}

function sourceWarnings(repoConfig: TRepositoryConfig, refs: CloneRefs): string[] {
  return repoConfig.environments.flatMap(({ name, source }) => {
    if (source.branch !== undefined && resolveBranchRef(refs, source.branch) === undefined)
      return [`environment ${name}: the clone has no branch ${JSON.stringify(source.branch)}`];
    if (source.tags !== undefined) {
      const matches = compileGlob(source.tags);
      if (!refs.tags.some((t) => matches(t.name)))
        return [`environment ${name}: no tag of the clone matches ${JSON.stringify(source.tags)}`];
    }
    return [];
  });
}

/** The clone's refs as an environment's event source. */
function cloneSources(refs: CloneRefs, graph: CommitGraph, tags: TagForEvents[]): RefSources {
  return {
    tags,
    branchTip(branch) {
      const tip = resolveBranchRef(refs, branch);
      return tip === undefined ? undefined : graph.indexOf(tip);
    },
  };
}
