import { putSyncState } from "../../store/github-sync-state";
import { recordTagVersions, upsertReleases } from "../../store/github-tags";
import { withTransaction } from "../../store/sql";
import { RELEASE_PAGE, RELEASES_QUERY, TAG_PAGE, TAGS_QUERY } from "../queries";
import type { Connection, GqlRelease, GqlTagRef } from "../types";
import { maxIso, passCheckpoint, type RepoSyncContext, resumePass } from "./context";
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
    const data = await ctx.query<{ repository: { refs: Connection<GqlTagRef> } }>("tags", TAGS_QUERY, {
      ...ctx.repoVariables,
      first: TAG_PAGE,
      after: cursor,
    });
    const page = data.repository.refs;
    const rows = page.nodes.map(tagRow).filter((t) => t !== null);
    for (const t of rows) passMax = maxIso(passMax, t.commitDate);
    const reachedMark =
      mark !== null && rows.some((t) => t.commitDate && Date.parse(t.commitDate) < mark.getTime());
    const done = reachedMark || !page.pageInfo.hasNextPage;
    await withTransaction(ctx.db, async (client) => {
      await recordTagVersions(client, ctx.repoId, rows);
      await putSyncState(
        client,
        ctx.repoId,
        "tags",
        passCheckpoint(mark, passMax, done, page.pageInfo.endCursor),
      );
    });
    ctx.wrote("tags", rows.length);
    if (done) break;
    cursor = page.pageInfo.endCursor;
  }
}

/** Releases newest first down to the previous pass's newest; the first page is re-read every run. */
export async function syncReleases(ctx: RepoSyncContext, full: boolean): Promise<void> {
  const pass = await resumePass(ctx, "releases", full);
  const mark = pass.mark;
  let { cursor, passMax } = pass;
  for (;;) {
    const data = await ctx.query<{ repository: { releases: Connection<GqlRelease> } }>(
      "releases",
      RELEASES_QUERY,
      {
        ...ctx.repoVariables,
        first: RELEASE_PAGE,
        after: cursor,
      },
    );
    const page = data.repository.releases;
    const rows = page.nodes.map(releaseRow);
    for (const r of rows) passMax = maxIso(passMax, r.createdAt);
    const reachedMark = mark !== null && rows.some((r) => Date.parse(r.createdAt) < mark.getTime());
    const done = reachedMark || !page.pageInfo.hasNextPage;
    await withTransaction(ctx.db, async (client) => {
      await upsertReleases(client, ctx.repoId, rows);
      await putSyncState(
        client,
        ctx.repoId,
        "releases",
        passCheckpoint(mark, passMax, done, page.pageInfo.endCursor),
      );
    });
    ctx.wrote("releases", rows.length);
    if (done) break;
    cursor = page.pageInfo.endCursor;
  }
}
