import { createHash } from "node:crypto";
import path from "node:path";
import { compileGlob } from "../config/glob";
import { sourceOf, type TRepositoryConfig } from "../config/schema";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { branchEvents, type EventSpec, type TagForEvents, tagEvents } from "../lineage/events";
import { CommitGraph } from "../lineage/graph";
import { type ProgressSink, silentProgress } from "../progress";
import { insertCommits, loadGraphInto, type NewCommitRow } from "../store/commits";
import {
  type PersistSummary,
  persistEnvironmentEvents,
  replayEnvironment,
} from "../store/environment-events";
import { type EnvironmentRow, syncEnvironments } from "../store/environments";
import { type Queryable, withTransaction } from "../store/sql";
import { readLog } from "./read-log";
import { assertGitRepository, type CloneRefs, type GitTagInfo, readRefs } from "./read-refs";

// Bump when the import's output for the same input changes, so existing imports redo it.
const IMPORTER_VERSION = 1;

export interface ImportSummary {
  repo: string;
  upToDate: boolean;
  newCommits: number;
  totalCommits: number;
  tags: number;
  branches: number;
  environments: ({ name: string } & PersistSummary)[];
  skippedRefs: string[];
}

function fingerprintOf(refs: CloneRefs, repoConfig: TRepositoryConfig): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ v: IMPORTER_VERSION, envs: repoConfig.environments }));
  for (const b of refs.branches) hash.update(`b ${b.name} ${b.commit}\n`);
  for (const t of refs.tags) hash.update(`t ${t.name} ${t.objectSha ?? ""} ${t.commit}\n`);
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
  assertGitRepository(absPath);
  progress({ phase: "reading refs", done: 0, unit: "refs" });
  const refs = readRefs(absPath);
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
  };

  const existing = await db.pool.query<{
    id: number;
    import_fingerprint: string | null;
    commit_count: number;
  }>("SELECT id, import_fingerprint, commit_count FROM repository WHERE full_name = $1", [repoConfig.repo]);
  if (existing.rows[0]?.import_fingerprint === fingerprint) {
    return { ...summary, upToDate: true, totalCommits: existing.rows[0].commit_count };
  }

  return withTransaction(db, async (client) => {
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
    if (repo.import_fingerprint === fingerprint) {
      // The import it waited for already brought the repository to this state.
      return { ...summary, upToDate: true, totalCommits: repo.commit_count };
    }

    const graph = new CommitGraph();
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

    // Only commits that no previously imported ref reaches are read from git.
    const { rows: oldRefs } = await client.query<{ sha: string }>(
      "SELECT DISTINCT sha FROM git_ref WHERE repo_id = $1",
      [repo.id],
    );
    const include = [...new Set([...refs.branches.map((b) => b.commit), ...refs.tags.map((t) => t.commit)])];
    const exclude = oldRefs.map((r) => r.sha).filter((sha) => graph.indexOf(sha) !== undefined);
    // Commits are numbered and written while git is still streaming: parents always come
    // first (--topo-order --reverse), and the inserts queue on this transaction's connection,
    // so PostgreSQL works on one batch while git and the parser produce the next.
    let batch: NewCommitRow[] = [];
    let newCount = 0;
    let written = 0;
    // One insert at a time on the connection (pg deprecates queueing queries on a busy
    // client), chained so that the parser never waits for them.
    let writes: Promise<void> = Promise.resolve();
    const writeBatch = () => {
      const rows = batch;
      batch = [];
      writes = writes.then(async () => {
        await insertCommits(client, repo.id, rows);
        written += rows.length;
        progress({ phase: "writing commits", done: written, unit: "commits" });
      });
      writes.catch(() => {}); // observed below, after the stream ends
    };
    // Commits that lineage sync stored first (same SHA) keep their idx; the clone adds the
    // changed paths GitHub's GraphQL API cannot give.
    const pathsOfStored: { idx: number; paths: string[] }[] = [];
    await readLog(absPath, { include, exclude }, (c) => {
      const known = graph.indexOf(c.sha);
      if (known !== undefined) {
        pathsOfStored.push({ idx: known, paths: c.changedPaths });
        return;
      }
      const row = c as NewCommitRow;
      row.parentIdx = [];
      for (const p of c.parents) {
        const idx = graph.indexOf(p);
        // A parent missing from the clone is the edge of a shallow clone.
        if (idx !== undefined) row.parentIdx.push(idx);
      }
      row.idx = graph.add(c.sha, row.parentIdx, c.committedAtMs);
      newCount++;
      batch.push(row);
      if (batch.length >= 10_000) writeBatch();
      if (newCount % 5000 === 0) progress({ phase: "reading git log", done: newCount, unit: "commits" });
    });
    if (batch.length) writeBatch();
    progress({ phase: "reading git log", done: newCount, unit: "commits" });

    // The environments' replays are pure CPU: done here, while PostgreSQL is still writing
    // the last commit batches, rather than after.
    const tagsForEvents = tagsOf(refs, graph);
    const replayed = new Map(
      repoConfig.environments.flatMap((env) => {
        const { kind, pattern } = sourceOf(env.source);
        if (kind === "deployments") return [];
        const events = computeEvents({ sourceKind: kind, pattern }, graph, refs, tagsForEvents);
        return [[env.name, { events, computed: replayEnvironment(graph, events) }] as const];
      }),
    );
    await writes;
    if (pathsOfStored.length) {
      await client.query(
        `UPDATE "commit" c SET changed_paths = t.paths
         FROM json_to_recordset($2::json) AS t(idx int, paths text[])
         WHERE c.repo_id = $1 AND c.idx = t.idx AND c.changed_paths IS DISTINCT FROM t.paths`,
        [repo.id, JSON.stringify(pathsOfStored)],
      );
    }
    summary.newCommits = newCount;
    summary.totalCommits = graph.size;

    await replaceTagsAndRefs(client, repo.id, refs, tagsForEvents);

    const envRows = await syncEnvironments(client, repo.id, repoConfig.environments);
    for (const env of envRows) {
      // Deployment events come from GitHub (lineage sync), never from a clone.
      const planned = replayed.get(env.name);
      if (!planned) continue;
      const { events, computed } = planned;
      progress({ phase: `environment ${env.name}`, done: 0, total: events.length, unit: "events" });
      const result = await persistEnvironmentEvents(client, { envId: env.id, graph, events, computed });
      progress({
        phase: `environment ${env.name}`,
        done: events.length,
        total: events.length,
        unit: "events",
      });
      summary.environments.push({ name: env.name, ...result });
    }

    await client.query(
      "UPDATE repository SET import_fingerprint = $2, imported_at = now(), commit_count = $3 WHERE id = $1",
      [repo.id, fingerprint, graph.size],
    );
    return summary;
  });
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
  ];
  await client.query("DELETE FROM git_ref WHERE repo_id = $1", [repoId]);
  await client.query(
    "INSERT INTO git_ref (repo_id, name, sha) SELECT $1, * FROM unnest($2::text[], $3::text[])",
    [repoId, allRefs.map((r) => r.name), allRefs.map((r) => r.sha)],
  );
}

/** The branch a `branch` source names: a local branch, else a unique remote-tracking one. */
function resolveBranchRef(refs: CloneRefs, branch: string): string | undefined {
  const local = refs.branches.find((b) => b.name === `refs/heads/${branch}`);
  if (local) return local.commit;
  const remote = refs.branches.filter((b) => /^refs\/remotes\/[^/]+\/(.+)$/.exec(b.name)?.[1] === branch);
  const origin = remote.find((b) => b.name.startsWith("refs/remotes/origin/"));
  return (origin ?? (remote.length === 1 ? remote[0] : undefined))?.commit;
}

function computeEvents(
  env: Pick<EnvironmentRow, "sourceKind" | "pattern">,
  graph: CommitGraph,
  refs: CloneRefs,
  tags: TagForEvents[],
): EventSpec[] {
  if (env.sourceKind === "tags") return tagEvents(graph, tags, compileGlob(env.pattern));
  const tip = resolveBranchRef(refs, env.pattern);
  const idx = tip === undefined ? undefined : graph.indexOf(tip);
  return idx === undefined ? [] : branchEvents(graph, idx, env.pattern);
}
