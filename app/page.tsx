import { loadPageData } from "@/lib/db/page-data";
import { findRepositoryOverviews } from "@/lib/lineage/overview";
import { EmptyState } from "./_components/empty-state";
import { PageState } from "./_components/page-state";
import { RepositoryCard } from "./_components/repository-card";

// Every request reads the database; nothing here may be prerendered at build time.
export const dynamic = "force-dynamic";

export default async function HomePage() {
  const result = await loadPageData((db) => findRepositoryOverviews(db));
  if (!result.ok) return <PageState result={result} />;
  const repositories = result.data;
  // One clock for the whole page, so every "3 days ago" agrees.
  const now = Date.now();
  return (
    <>
      <div className="page__intro">
        <h1>What runs where</h1>
        <p>Each environment in promotion order, with the commit it runs now and how it got there.</p>
      </div>
      {repositories.length === 0 ? (
        <EmptyState />
      ) : (
        repositories.map((repository) => (
          <RepositoryCard key={repository.fullName} repository={repository} now={now} />
        ))
      )}
    </>
  );
}
