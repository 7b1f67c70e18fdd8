import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { createLoader, parseAsString, type SearchParams } from "nuqs/server";
import { commitHref, repoHref } from "@/app/_components/hrefs";
import { PageState } from "@/app/_components/page-state";
import { ShortSha } from "@/app/_components/short-sha";
import { loadPageData } from "@/lib/db/page-data";
import { type SearchHit, type SearchHitKind, searchEverything, uniqueHit } from "@/lib/lineage/search";

export const dynamic = "force-dynamic";

const loadSearchParams = createLoader({ q: parseAsString.withDefault("") });

type Props = { searchParams: Promise<SearchParams> };

export async function generateMetadata({ searchParams }: Props): Promise<Metadata> {
  const { q } = await loadSearchParams(searchParams);
  return { title: q ? `Search: ${q}` : "Search" };
}

/** Where a hit leads: the commit page for anything with a commit, else GitHub's PR page. */
function hitHref(hit: SearchHit): string {
  if (hit.sha) return commitHref(hit.repo, hit.sha);
  return hit.url ?? repoHref(hit.repo);
}

const GROUPS: { kind: SearchHitKind; title: string }[] = [
  { kind: "commit", title: "Commits by SHA" },
  { kind: "tag", title: "Tags" },
  { kind: "branch", title: "Branches" },
  { kind: "pull-request", title: "Pull requests" },
  { kind: "message", title: "Commit messages" },
];

function Hit({ hit }: { hit: SearchHit }) {
  const href = hitHref(hit);
  const external = href.startsWith("http");
  const name =
    hit.kind === "commit" || hit.kind === "message" ? (
      <ShortSha sha={hit.sha ?? hit.name} copy={false} />
    ) : (
      <code className="ref">{hit.name}</code>
    );
  return (
    <li className="search-hit" data-testid="search-hit" data-kind={hit.kind}>
      {external ? (
        <a href={href} rel="noreferrer noopener" target="_blank">
          {name}
        </a>
      ) : (
        <Link href={href}>{name}</Link>
      )}{" "}
      <span className="muted small">{hit.repo}</span>
      {hit.text ? <div data-testid="search-hit-text">{hit.text}</div> : null}
    </li>
  );
}

export default async function SearchPage({ searchParams }: Props) {
  const { q } = await loadSearchParams(searchParams);
  const query = q.trim();
  const intro = (
    <div className="page__intro">
      <h1>Search</h1>
      <form action="/search" method="get" className="compare-form">
        <label htmlFor="search-page-q">SHA prefix, tag, branch, #PR or words</label>
        <input
          id="search-page-q"
          name="q"
          type="search"
          defaultValue={query}
          maxLength={200}
          spellCheck={false}
          data-testid="search-page-input"
        />
        <button type="submit" className="button button--secondary">
          Search
        </button>
      </form>
    </div>
  );
  if (!query)
    return (
      <>
        {intro}
        <p className="muted" data-testid="search-empty">
          Type a SHA prefix (4+ hex digits), a tag such as <code>v1.4.0</code>, a branch, a pull request such
          as <code>#123</code>, or words from commit messages and PR titles. Press <kbd>/</kbd> anywhere to
          search.
        </p>
      </>
    );
  // A single exact hit redirects below, so its text hits would never be shown: not searched.
  const result = await loadPageData((db) =>
    searchEverything(db, { query, limit: 25, stopAtUniqueExact: true }),
  );
  if (!result.ok) return <PageState result={result} />;
  const hit = uniqueHit(result.data);
  // Outside the read: redirect() throws, and loadPageData must not take that for a failure.
  if (hit) redirect(hitHref(hit));
  const hits = [...result.data.exact, ...result.data.text];
  return (
    <>
      {intro}
      {hits.length === 0 ? (
        <section className="empty" data-testid="no-hits">
          <h2>Nothing matches “{query}”</h2>
          <p>
            No commit, tag, branch or pull request matches. SHAs need at least 4 hex digits; PR numbers start
            with <code>#</code>. Pull requests are only known after <code>npx lineage sync</code>.
          </p>
        </section>
      ) : (
        <div className="search-groups" data-testid="search-results">
          <p data-testid="search-summary">
            {hits.length.toLocaleString("en")} {hits.length === 1 ? "match" : "matches"} for “{query}”
            {result.data.truncated
              ? " (only the first 25 of each kind are shown: add words to narrow it)"
              : ""}
          </p>
          {GROUPS.map((group) => {
            const inGroup = hits.filter((h) => h.kind === group.kind);
            if (inGroup.length === 0) return null;
            return (
              <section key={group.kind} aria-labelledby={`hits-${group.kind}`}>
                <h2 id={`hits-${group.kind}`} className="section__title">
                  {group.title} ({inGroup.length})
                </h2>
                <ul className="link-list">
                  {inGroup.map((h) => (
                    <Hit key={`${h.repo}:${h.kind}:${h.name}`} hit={h} />
                  ))}
                </ul>
              </section>
            );
          })}
        </div>
      )}
    </>
  );
}
