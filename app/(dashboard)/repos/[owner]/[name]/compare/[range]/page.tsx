import type { Metadata } from "next";
import { createLoader, parseAsInteger, type SearchParams } from "nuqs/server";
import { Breadcrumbs } from "@/app/_components/breadcrumbs";
import { COMMIT_SUMMARY_COLUMNS, commitSummaryRows } from "@/app/_components/commit-rows";
import { CompareForm } from "@/app/_components/compare-form";
import { DataTable } from "@/app/_components/data-table";
import { commitHref, compareHref, repoHref } from "@/app/_components/hrefs";
import { NotFoundState } from "@/app/_components/not-found-state";
import { PageState } from "@/app/_components/page-state";
import { requestRepository, requestRevision } from "@/app/_components/request-reads";
import { decodeSegment, parseRepoParams } from "@/app/_components/route-params";
import { ShortSha } from "@/app/_components/short-sha";
import { clampPage } from "@/app/_components/table-params";
import { loadPageData } from "@/lib/db/page-data";
import { isAppError } from "@/lib/errors";
import { diffRevisions } from "@/lib/lineage/diff";
import { splitRange } from "./range";

export const dynamic = "force-dynamic";

const PER_PAGE = 50;

const loadSearchParams = createLoader({
  addedPage: parseAsInteger.withDefault(1),
  removedPage: parseAsInteger.withDefault(1),
});

type Props = {
  params: Promise<{ owner: string; name: string; range: string }>;
  searchParams: Promise<SearchParams>;
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { owner, name, range } = await params;
  return { title: `Compare ${decodeSegment(range)} · ${owner}/${name}` };
}

export default async function ComparePage({ params, searchParams }: Props) {
  const raw = await params;
  const repo = parseRepoParams(raw);
  const rangeText = decodeSegment(raw.range);
  const range = splitRange(rangeText);
  if (!repo || !range)
    return (
      <NotFoundState
        title="Nothing to compare"
        message={`"${rangeText}" is not a range: write two revisions separated by "...", e.g. v1.4.0...prod.`}
      />
    );
  const q = await loadSearchParams(searchParams);
  const result = await loadPageData(async (db) => {
    // As the layout read them (React cache).
    const repository = await requestRepository(repo);
    // A first read learns the totals, so a page number past the end lands on the last page.
    const read = async (addedOffset: number, removedOffset: number) =>
      diffRevisions(db, {
        repo: repository.fullName,
        from: range.a,
        to: range.b,
        limit: PER_PAGE,
        addedOffset,
        removedOffset,
        resolved: {
          repository,
          from: await requestRevision(repository.id, range.a),
          to: await requestRevision(repository.id, range.b),
        },
      });
    try {
      const first = await read(
        (Math.max(1, q.addedPage) - 1) * PER_PAGE,
        (Math.max(1, q.removedPage) - 1) * PER_PAGE,
      );
      const addedPage = clampPage(q.addedPage, first.addedCount, PER_PAGE);
      const removedPage = clampPage(q.removedPage, first.removedCount, PER_PAGE);
      const diff =
        addedPage === q.addedPage && removedPage === q.removedPage
          ? first
          : await read((addedPage - 1) * PER_PAGE, (removedPage - 1) * PER_PAGE);
      return { kind: "ok" as const, fullName: repository.fullName, diff, addedPage, removedPage };
    } catch (err) {
      // An ambiguous short SHA or name is the visitor's to fix, not an error page.
      if (isAppError(err) && err.code === "INVALID_ARGUMENT")
        return { kind: "invalid" as const, fullName: repository.fullName, message: err.message };
      throw err;
    }
  });
  if (!result.ok)
    return (
      <PageState
        result={result}
        notFoundTitle="Revision not found"
        links={[
          { href: `/repos/${encodeURIComponent(raw.owner)}/${encodeURIComponent(raw.name)}`, label: repo },
        ]}
      />
    );
  const data = result.data;
  const fullName = data.fullName;
  const crumbs = (
    <Breadcrumbs
      trail={[
        { label: fullName, href: repoHref(fullName), kind: "repo" },
        { label: `${range.a}...${range.b}`, kind: "compare" },
      ]}
    />
  );
  if (data.kind === "invalid")
    return (
      <>
        {crumbs}
        <section className="empty" data-testid="invalid-range">
          <h2>Cannot compare these revisions</h2>
          <p data-testid="invalid-message">{data.message}</p>
          <CompareForm repository={fullName} head={range.b} label={range.b} />
        </section>
      </>
    );
  const { diff, addedPage, removedPage } = data;
  const now = Date.now();
  return (
    <>
      {crumbs}
      <div className="page__intro">
        <h1 className="release-title">
          <span className="muted">Compare</span>{" "}
          <span className="ref" data-testid="compare-a">
            {range.a}
          </span>
          <span className="muted">…</span>
          <span className="ref" data-testid="compare-b">
            {range.b}
          </span>
        </h1>
        <p className="release-meta">
          From <ShortSha sha={diff.from} href={commitHref(fullName, diff.from)} /> to{" "}
          <ShortSha sha={diff.to} href={commitHref(fullName, diff.to)} /> ·{" "}
          <a href={compareHref(fullName, range.b, range.a)} data-testid="swap">
            swap sides
          </a>
        </p>
      </div>

      <section className="stat-row" aria-label="What changed between the two revisions">
        <div className="stat">
          <span className="stat__number added" data-testid="added-count">
            {diff.addedCount.toLocaleString("en")}
          </span>
          <span className="stat__label">
            commits in {range.b} and not in {range.a}
          </span>
        </div>
        <div className="stat">
          <span className={`stat__number ${diff.removedCount ? "removed" : ""}`} data-testid="removed-count">
            {diff.removedCount.toLocaleString("en")}
          </span>
          <span className="stat__label">
            commits in {range.a} and not in {range.b}
          </span>
        </div>
        <div className="stat stat--wide">
          <span className="stat__label">Compare other revisions</span>
          <CompareForm repository={fullName} head={range.b} label={range.b} />
        </div>
      </section>

      <OnlyIn
        side="added"
        here={range.b}
        there={range.a}
        commits={commitSummaryRows(fullName, diff.added, now)}
        page={addedPage}
        total={diff.addedCount}
      />
      <OnlyIn
        side="removed"
        here={range.a}
        there={range.b}
        commits={commitSummaryRows(fullName, diff.removed, now)}
        page={removedPage}
        total={diff.removedCount}
      />
    </>
  );
}

/** One side of the range: the commits only `here` has (git rev-list there..here), paged on its own. */
function OnlyIn({
  side,
  here,
  there,
  commits,
  page,
  total,
}: {
  side: "added" | "removed";
  here: string;
  there: string;
  commits: ReturnType<typeof commitSummaryRows>;
  page: number;
  total: number;
}) {
  return (
    <section aria-labelledby={`${side}-heading`} className="section">
      <h2 id={`${side}-heading`} className="section__title">
        Only in {here}{" "}
        <span className="muted small">
          (git rev-list {there}..{here})
        </span>
      </h2>
      <DataTable
        label={`Commits only in ${here}`}
        testId={`${side}-table`}
        urlPrefix={side}
        columns={COMMIT_SUMMARY_COLUMNS}
        rows={commits}
        pagination={{ page, perPage: PER_PAGE, total }}
        empty={
          <p className="muted">
            Nothing: {there} {side === "added" ? "already contains" : "contains"} every commit of {here}.
          </p>
        }
      />
    </section>
  );
}
