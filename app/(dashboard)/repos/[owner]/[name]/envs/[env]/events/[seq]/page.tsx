import type { Metadata } from "next";
import Link from "next/link";
import { createLoader, parseAsInteger, type SearchParams } from "nuqs/server";
import type { ReactNode } from "react";
import { Breadcrumbs } from "@/app/_components/breadcrumbs";
import { CompareForm } from "@/app/_components/compare-form";
import { DataTable, type DataTableColumn, type DataTableRow } from "@/app/_components/data-table";
import { commitHref, compareHref, envHref, eventHref, repoHref } from "@/app/_components/hrefs";
import { NotFoundState } from "@/app/_components/not-found-state";
import { PageState } from "@/app/_components/page-state";
import { requestReleaseEvent } from "@/app/_components/request-reads";
import { parseEnvParam, parseRepoParams, parseSeqParam } from "@/app/_components/route-params";
import { ShortSha } from "@/app/_components/short-sha";
import { StatusBadge } from "@/app/_components/status-badge";
import { Time } from "@/app/_components/time";
import { loadPageData } from "@/lib/db/page-data";
import { getRelease, type ReleaseCommit, type ReleaseCommitsPage } from "@/lib/lineage/release";

export const dynamic = "force-dynamic";

const PER_PAGE = 50;

const loadSearchParams = createLoader({
  addedPage: parseAsInteger.withDefault(1),
  removedPage: parseAsInteger.withDefault(1),
  supersededPage: parseAsInteger.withDefault(1),
});

type Props = {
  params: Promise<{ owner: string; name: string; env: string; seq: string }>;
  searchParams: Promise<SearchParams>;
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { owner, name, env, seq } = await params;
  return { title: `${env} #${seq} · ${owner}/${name}` };
}

/** GitHub's columns start hidden when nothing is synced: every cell would say "not synced". */
function columns(synced: boolean): DataTableColumn[] {
  return [
    { id: "sha", header: "Commit", hideable: false },
    { id: "headline", header: "Message", hideable: false, className: "cell--wrap" },
    { id: "author", header: "Author" },
    { id: "prs", header: "Pull requests", className: "cell--wrap", hiddenByDefault: !synced },
    { id: "approvers", header: "Approved by", hiddenByDefault: !synced },
    { id: "ci", header: "CI", hiddenByDefault: !synced },
    { id: "signature", header: "Signature", hiddenByDefault: !synced },
    { id: "committedAt", header: "Committed", className: "cell--nowrap" },
  ];
}

const CI_LABEL = { SUCCESS: "passed", FAILURE: "failed", PENDING: "running", NEUTRAL: "neutral" } as const;

function commitRows(
  fullName: string,
  commits: ReleaseCommit[],
  synced: boolean,
  now: number,
): DataTableRow[] {
  const unknown = <span className="muted">{synced ? "none" : "not synced"}</span>;
  return commits.map((c) => {
    const approvers = [...new Set(c.pullRequests.flatMap((p) => p.approvers))];
    return {
      id: c.sha,
      testId: "commit-row",
      values: { sha: c.sha, headline: c.headline, author: c.authorName, committedAt: c.committedAt },
      cells: {
        sha: <ShortSha sha={c.sha} href={commitHref(fullName, c.sha)} />,
        headline: <span data-testid="commit-headline">{c.headline}</span>,
        author: (
          <>
            {c.authorName}
            {c.authorLogin ? <div className="muted small">@{c.authorLogin}</div> : null}
          </>
        ),
        prs:
          c.pullRequests.length === 0
            ? unknown
            : c.pullRequests.map((p) => (
                <div key={p.number}>
                  <a href={p.url} rel="noreferrer noopener" target="_blank">
                    #{p.number}
                  </a>{" "}
                  <span data-testid="pr-title">{p.title}</span>
                  {p.authorLogin ? <span className="muted small"> by @{p.authorLogin}</span> : null}
                </div>
              )),
        approvers: approvers.length ? approvers.map((a) => `@${a}`).join(", ") : unknown,
        ci: c.ci ? (
          <span className={`ci ci--${c.ci.toLowerCase()}`}>{CI_LABEL[c.ci]}</span>
        ) : (
          <span className="muted">{synced ? "no checks" : "not synced"}</span>
        ),
        signature:
          c.signature === "verified" ? (
            <span className="ci ci--success">verified</span>
          ) : c.signature === "unverified" ? (
            <span className="ci ci--failure">unverified</span>
          ) : c.signature === "unsigned" ? (
            <span>unsigned</span>
          ) : (
            <span className="muted">{synced ? "unknown" : "not synced"}</span>
          ),
        committedAt: <Time iso={c.committedAt} now={now} />,
      },
    };
  });
}

export default async function ReleasePage({ params, searchParams }: Props) {
  const raw = await params;
  const repo = parseRepoParams(raw);
  const environment = parseEnvParam(raw.env);
  const seq = parseSeqParam(raw.seq);
  if (!repo || !environment || seq === null)
    return (
      <NotFoundState
        title="Release not found"
        message={`There is no event "${raw.seq}" of "${raw.env}" in "${raw.owner}/${raw.name}": events are numbered 0, 1, 2…`}
      />
    );
  const q = await loadSearchParams(searchParams);
  const result = await loadPageData(async (db) =>
    getRelease(db, {
      repo,
      environment,
      seq,
      addedPage: q.addedPage,
      removedPage: q.removedPage,
      supersededPage: q.supersededPage,
      perPage: PER_PAGE,
      // What the layout read to answer 404 or go on: the same request's answer.
      release: await requestReleaseEvent(repo, environment, seq),
    }),
  );
  if (!result.ok)
    return (
      <PageState
        result={result}
        notFoundTitle="Release not found"
        links={[
          {
            href: `/repos/${encodeURIComponent(raw.owner)}/${encodeURIComponent(raw.name)}/envs/${encodeURIComponent(raw.env)}`,
            label: `The ${raw.env} release history`,
          },
        ]}
      />
    );
  const r = result.data;
  const fullName = r.repository.fullName;
  const env = r.environment.name;
  const e = r.event;
  const now = Date.now();
  const shared = { fullName, synced: r.synced, now };
  return (
    <>
      <Breadcrumbs
        trail={[
          { label: fullName, href: repoHref(fullName), kind: "repo" },
          { label: env, href: envHref(fullName, env), kind: "env" },
          { label: `${e.ref} (#${e.seq})`, kind: "release" },
        ]}
      />
      <div className="page__intro">
        <h1 className="release-title">
          <span className="ref" data-testid="release-ref">
            {e.ref}
          </span>{" "}
          <span className="muted">in {env}</span>
        </h1>
        <p className="release-meta">
          <StatusBadge status={e.statusKind} /> <ShortSha sha={e.sha} href={commitHref(fullName, e.sha)} />
          <span>
            <Time iso={e.at} mode="datetime" />{" "}
            <span className="muted">
              (<Time iso={e.at} now={now} />)
            </span>
          </span>
          <span>
            by <span data-testid="release-actor">{e.actor ?? "unknown"}</span>
          </span>
          {e.status ? (
            <span className="muted" data-testid="deployment-status">
              · deployment {e.status.toLowerCase()}
              {e.status === "INACTIVE" ? " (a later deployment replaced it)" : ""}
            </span>
          ) : null}
        </p>
        <p className="muted" data-testid="release-headline">
          {e.headline}
        </p>
      </div>

      <section className="stat-row" aria-label="What this release changed">
        <div className="stat">
          <span className="stat__number added" data-testid="added-count">
            {e.added.toLocaleString("en")}
          </span>
          <span className="stat__label">
            {e.baseline ? "commits (baseline: everything it runs)" : "commits added"}
          </span>
        </div>
        <div className="stat">
          <span className={`stat__number ${e.removed ? "removed" : ""}`} data-testid="removed-count">
            {e.removed.toLocaleString("en")}
          </span>
          <span className="stat__label">
            commits removed
            {e.removed === 0 ? null : e.superseded === null ? (
              " (dropped or superseded: unknown)"
            ) : (
              <>
                {": "}
                <span data-testid="dropped-count">{(e.dropped ?? 0).toLocaleString("en")}</span> dropped
                {e.pureRollback ? " (an older release)" : ""},{" "}
                <span data-testid="superseded-count">{e.superseded.toLocaleString("en")}</span> superseded
              </>
            )}
          </span>
        </div>
        <div className="stat stat--wide">
          <span className="stat__label">Compared with</span>
          {r.previous ? (
            <span>
              <Link href={eventHref(fullName, env, r.previous.seq)} className="ref">
                {r.previous.ref}
              </Link>{" "}
              <ShortSha sha={r.previous.sha} copy={false} /> <Time iso={r.previous.at} now={now} />
            </span>
          ) : (
            <span className="muted">nothing: the first counted event of {env}</span>
          )}
          {!e.counted ? (
            <span className="muted small">
              This event did not count: {env} kept running what it ran before.
            </span>
          ) : null}
        </div>
      </section>

      <nav className="release-nav" aria-label="Other releases">
        {r.olderSeq !== null ? (
          <Link href={eventHref(fullName, env, r.olderSeq)}>‹ Older event #{r.olderSeq}</Link>
        ) : (
          <span />
        )}
        <div className="release-nav__compare">
          <CompareForm repository={fullName} head={e.sha} label={e.ref} />
          {r.previous ? (
            <Link href={compareHref(fullName, r.previous.sha, e.sha)} data-testid="compare-previous">
              Compare with the previous release
            </Link>
          ) : null}
        </div>
        {r.newerSeq !== null ? (
          <Link href={eventHref(fullName, env, r.newerSeq)}>Newer event #{r.newerSeq} ›</Link>
        ) : (
          <span />
        )}
      </nav>

      {!r.synced ? (
        <p className="notice" data-testid="not-synced">
          GitHub is not synced for {fullName}: pull requests, approvals, CI and signatures are unknown. Run{" "}
          <code>npx lineage sync</code>.
        </p>
      ) : null}

      <CommitsSection
        id="added"
        title={e.baseline ? "Commits it runs" : "Added commits"}
        label="Added commits"
        urlPrefix="added"
        list={r.added}
        {...shared}
        empty={<p className="muted">No commits added: this event ran code {env} already had.</p>}
      />

      {r.dropped && r.dropped.total > 0 ? (
        <CommitsSection
          id="dropped"
          title={
            <>
              Dropped commits <StatusBadge status="rollback" />
            </>
          }
          label="Dropped commits"
          urlPrefix="removed"
          list={r.dropped}
          {...shared}
          note={
            <p className="muted small">
              {env} ran these changes before this event and no longer has them in any form: no added commit
              makes the same change (<code>git cherry</code> marks them <code>+</code>).
            </p>
          }
        />
      ) : null}

      {r.superseded && r.superseded.total > 0 ? (
        <CommitsSection
          id="superseded"
          title={
            <>
              Superseded commits <StatusBadge status="superseded" />
            </>
          }
          label="Superseded commits"
          urlPrefix="superseded"
          list={r.superseded}
          {...shared}
          note={
            <p className="muted small">
              Removed under these SHAs, but this release has the same change under another one: cherry-picked
              or rebased (same <code>git patch-id --stable</code> as an added commit; <code>git cherry</code>{" "}
              marks them <code>-</code>). Not a rollback.
            </p>
          }
        />
      ) : null}

      {e.removed > 0 && r.removedSplit === "unknown" ? (
        <CommitsSection
          id="removed"
          title={
            <>
              Removed commits <StatusBadge status="rollback" />
            </>
          }
          label="Removed commits"
          urlPrefix="removed"
          list={r.removed}
          {...shared}
          note={
            <p className="muted small" data-testid="removed-split">
              Superseded (the same change under another SHA) or dropped: unknown, because this history was
              read from GitHub only (no diffs). <code>npx lineage import-git</code> from a clone tells them
              apart.
            </p>
          }
        />
      ) : null}
    </>
  );
}

/** One of the release's commit lists (added, dropped, superseded, removed), paged on the server. */
function CommitsSection({
  id,
  title,
  label,
  urlPrefix,
  list,
  fullName,
  synced,
  now,
  note,
  empty,
}: {
  id: string;
  title: ReactNode;
  label: string;
  urlPrefix: string;
  list: ReleaseCommitsPage;
  fullName: string;
  synced: boolean;
  now: number;
  note?: ReactNode;
  empty?: ReactNode;
}) {
  return (
    <section aria-labelledby={`${id}-heading`} className="section">
      <h2 id={`${id}-heading`} className="section__title">
        {title}
      </h2>
      {note}
      <DataTable
        label={label}
        testId={`${id}-table`}
        urlPrefix={urlPrefix}
        columns={columns(synced)}
        rows={commitRows(fullName, list.commits, synced, now)}
        pagination={{ page: list.page, perPage: list.perPage, total: list.total }}
        empty={empty}
      />
    </section>
  );
}
