import { putSyncState } from "../../store/github-sync-state";
import { recordTagVersions, upsertReleases } from "../../store/github-tags";
import { withTransaction } from "../../store/sql";
import { RELEASE_PAGE, ReleasesDocument, TAG_PAGE, TagsDocument } from "../queries";
import {
  maxIso,
  nextCursor,
  nodesOf,
  passCheckpoint,
  type RepoSyncContext,
  resumePass,
  uniqueBy,
} from "./context";
import { releaseRow, tagRow } from "./map";

/**
 * Tags by commit date, newest first, until a page reaches commits older than the newest one of
 * the previous pass. A new tag, or a tag moved to a newer commit, is on the first page; a tag
 * moved back to an older commit is only seen by a full pass (`--full`).
 */
export async function syncTags(ctx: RepoSyncContext, full: boolean): Promise<void> {
  const pass = await resumePass(ctx, "tags", full);
  const mark = pass.mark;
  let { cursor, passMax } = pass;
  for (;;) {
    const data = await ctx.query("tags", TagsDocument, {
      ...ctx.repoVariables,
      first: TAG_PAGE,
      after: cursor,
    });
    const page = data.repository?.refs;
    const rows = uniqueBy(
      nodesOf(page).flatMap((ref) => tagRow(ref) ?? []),
      (t) => t.name,
    );
    for (const t of rows) passMax = maxIso(passMax, t.commitDate);
    const reachedMark =
      mark !== null && rows.some((t) => t.commitDate && Date.parse(t.commitDate) < mark.getTime());
    const next = nextCursor(page);
    const done = reachedMark || next === null;
    await withTransaction(ctx.db, async (client) => {
      await recordTagVersions(client, ctx.repoId, rows);
      await putSyncState(client, ctx.repoId, "tags", passCheckpoint(mark, passMax, done, next));
    });
    ctx.wrote("tags", rows.length);
    if (done) break;
    cursor = next;
  }
}

/** Releases newest first down to the previous pass's newest; the first page is re-read every run. */
export async function syncReleases(ctx: RepoSyncContext, full: boolean): Promise<void> {
  const pass = await resumePass(ctx, "releases", full);
  const mark = pass.mark;
  let { cursor, passMax } = pass;
  for (;;) {
    const data = await ctx.query("releases", ReleasesDocument, {
      ...ctx.repoVariables,
      first: RELEASE_PAGE,
      after: cursor,
    });
    const page = data.repository?.releases;
    const rows = uniqueBy(nodesOf(page).map(releaseRow), (r) => r.tagName);
    for (const r of rows) passMax = maxIso(passMax, r.createdAt);
    const reachedMark = mark !== null && rows.some((r) => Date.parse(r.createdAt) < mark.getTime());
    const next = nextCursor(page);
    const done = reachedMark || next === null;
    await withTransaction(ctx.db, async (client) => {
      await upsertReleases(client, ctx.repoId, rows);
      await putSyncState(client, ctx.repoId, "releases", passCheckpoint(mark, passMax, done, next));
    });
    ctx.wrote("releases", rows.length);
    if (done) break;
    cursor = next;
  }
}
