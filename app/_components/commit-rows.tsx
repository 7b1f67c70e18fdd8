import type { CommitSummary } from "@/lib/lineage/diff";
import type { DataTableColumn, DataTableRow } from "./data-table";
import { commitHref } from "./hrefs";
import { ShortSha } from "./short-sha";
import { Time } from "./time";

export const COMMIT_SUMMARY_COLUMNS: DataTableColumn[] = [
  { id: "sha", header: "Commit", hideable: false },
  { id: "headline", header: "Message", hideable: false, className: "cell--wrap" },
  { id: "author", header: "Author" },
  { id: "committedAt", header: "Committed", className: "cell--nowrap" },
];

/** One row per commit, its SHA linking to the commit's lineage page. */
export function commitSummaryRows(fullName: string, commits: CommitSummary[], now: number): DataTableRow[] {
  return commits.map((c) => ({
    id: c.sha,
    testId: "commit-row",
    values: { sha: c.sha, headline: c.headline, author: c.author, committedAt: c.committedAt },
    cells: {
      sha: <ShortSha sha={c.sha} href={commitHref(fullName, c.sha)} copy={false} />,
      headline: <span data-testid="commit-headline">{c.headline}</span>,
      author: c.author,
      committedAt: <Time iso={c.committedAt} now={now} />,
    },
  }));
}
