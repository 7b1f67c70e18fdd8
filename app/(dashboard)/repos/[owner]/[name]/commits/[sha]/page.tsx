import type { Metadata } from "next";
import Link from "next/link";
import { Breadcrumbs } from "@/app/_components/breadcrumbs";
import { commitHref, compareHref, envHref, eventHref, repoHref } from "@/app/_components/hrefs";
import { NotFoundState } from "@/app/_components/not-found-state";
import { PageState } from "@/app/_components/page-state";
import { decodeSegment, parseRepoParams } from "@/app/_components/route-params";
import { ShortSha } from "@/app/_components/short-sha";
import { Time } from "@/app/_components/time";
import { loadPageData } from "@/lib/db/page-data";
import { type CommitPage, getCommitPage } from "@/lib/lineage/commit-page";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ owner: string; name: string; sha: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { owner, name, sha } = await params;
  return { title: `Commit ${decodeSegment(sha).slice(0, 12)} · ${owner}/${name}` };
}

function conclusionClass(status: string, conclusion: string | null): string {
  if (status.toUpperCase() !== "COMPLETED") return "ci ci--pending";
  const c = conclusion?.toUpperCase();
  if (c === "SUCCESS") return "ci ci--success";
  if (c === "NEUTRAL" || c === "SKIPPED" || c === "STALE") return "ci ci--neutral";
  return "ci ci--failure";
}

function conclusionText(status: string, conclusion: string | null): string {
  return status.toUpperCase() !== "COMPLETED"
    ? status.toLowerCase().replace(/_/g, " ")
    : (conclusion ?? "none").toLowerCase();
}

function Signature({ signature }: { signature: CommitPage["signature"] }) {
  if (signature === "unknown")
    return <span className="muted">unknown (GitHub has not read this commit)</span>;
  if (signature === "unsigned") return <span>unsigned</span>;
  return (
    <span>
      <span className={signature.isValid ? "ci ci--success" : "ci ci--failure"}>
        {signature.isValid ? "verified" : "unverified"}
      </span>{" "}
      {signature.kind.toLowerCase()} · {signature.state.toLowerCase()}
      {signature.signerLogin ? <> · signed by @{signature.signerLogin}</> : null}
    </span>
  );
}

/**
 * Environments the commit reached before the one ahead of it in promotion order: a prod
 * release of a SHA that test never ran (a hotfix), or one test only got later.
 */
function skippedSteps(reach: CommitPage["reach"]): Map<string, string> {
  const out = new Map<string, string>();
  reach.forEach((r, i) => {
    const before = reach[i - 1];
    if (!r.first || !before) return;
    if (!before.first)
      out.set(r.environment, `reached ${r.environment} without going through ${before.environment}`);
    else if (Date.parse(before.first.at) > Date.parse(r.first.at))
      out.set(r.environment, `reached ${r.environment} before ${before.environment} had it`);
  });
  return out;
}

export default async function CommitLineagePage({ params }: Props) {
  const raw = await params;
  const repo = parseRepoParams(raw);
  const revision = decodeSegment(raw.sha);
  if (!repo)
    return (
      <NotFoundState
        title="Repository not found"
        message={`"${raw.owner}/${raw.name}" is not a repository name.`}
      />
    );
  const result = await loadPageData((db) => getCommitPage(db, { repo, revision }));
  if (!result.ok)
    return (
      <PageState
        result={result}
        notFoundTitle="Commit not found"
        links={[
          { href: `/repos/${encodeURIComponent(raw.owner)}/${encodeURIComponent(raw.name)}`, label: repo },
        ]}
      />
    );
  const c = result.data;
  const fullName = c.fullName;
  const now = Date.now();
  const body = c.message.split("\n").slice(1).join("\n").trim();
  const reached = c.reach.filter((r) => r.first);
  const skipped = skippedSteps(c.reach);
  return (
    <>
      <Breadcrumbs
        trail={[
          { label: fullName, href: repoHref(fullName), kind: "repo" },
          { label: c.sha.slice(0, 7), kind: "commit" },
        ]}
      />
      <div className="page__intro">
        <h1 className="release-title" data-testid="commit-headline">
          {c.headline}
        </h1>
        <p className="release-meta">
          <ShortSha sha={c.sha} />
          <span>
            by <span data-testid="commit-author">{c.author}</span>
            {c.committerName !== c.author ? <> (committed by {c.committerName})</> : null}
          </span>
          <span>
            <Time iso={c.committedAt} mode="datetime" />{" "}
            <span className="muted">
              (<Time iso={c.committedAt} now={now} />)
            </span>
          </span>
          {c.parents.length ? (
            <span>
              · {c.parents.length === 1 ? "parent" : "parents"}{" "}
              {c.parents.map((p) => (
                <ShortSha key={p} sha={p} href={commitHref(fullName, p)} copy={false} />
              ))}
            </span>
          ) : (
            <span>· root commit</span>
          )}
        </p>
        {body ? (
          <pre className="commit-body" data-testid="commit-body">
            {body}
          </pre>
        ) : null}
      </div>

      <section aria-labelledby="reach-heading" className="section">
        <h2 id="reach-heading" className="section__title">
          {reached.length === 0
            ? "Not in any environment yet"
            : `Reached ${reached.length} of ${c.reach.length} environments`}
        </h2>
        {c.reach.length === 0 ? (
          <p className="muted">
            No environments are configured: add them to <code>lineage.config.json</code> and import again.
          </p>
        ) : (
          <ol className="timeline" data-testid="reach">
            {c.reach.map((r) => (
              <li
                key={r.environment}
                className={`timeline__step ${r.first ? "timeline__step--reached" : ""}`}
                data-testid="reach-step"
                data-environment={r.environment}
              >
                <Link className="timeline__env" href={envHref(fullName, r.environment)}>
                  {r.environment}
                </Link>
                {r.first ? (
                  <>
                    <span>
                      first in{" "}
                      <Link
                        href={eventHref(fullName, r.environment, r.first.seq)}
                        data-testid="reach-release"
                      >
                        {r.first.ref} (#{r.first.seq})
                      </Link>
                    </span>
                    <span className="muted small">
                      <Time iso={r.first.at} mode="datetime" /> (<Time iso={r.first.at} now={now} />)
                    </span>
                    {skipped.get(r.environment) ? (
                      <span className="timeline__warning" data-testid="reach-skipped">
                        {skipped.get(r.environment)}
                      </span>
                    ) : null}
                    <span data-testid="reach-now">
                      {r.current ? (
                        <strong>runs it now</strong>
                      ) : (
                        <span className="removed">no longer runs it (rolled back)</span>
                      )}
                    </span>
                  </>
                ) : (
                  <span className="muted" data-testid="reach-now">
                    not yet · <Link href={compareHref(fullName, r.environment, c.sha)}>what it lacks</Link>
                  </span>
                )}
              </li>
            ))}
          </ol>
        )}
      </section>

      {!c.synced ? (
        <p className="notice" data-testid="not-synced">
          GitHub is not synced for {fullName}: pull requests, reviews, CI, signature and deployments are
          unknown. Run <code>npx lineage sync</code>.
        </p>
      ) : (
        <>
          <section aria-labelledby="prs-heading" className="section">
            <h2 id="prs-heading" className="section__title">
              Pull requests
            </h2>
            {c.pullRequests?.length ? (
              c.pullRequests.map((pr) => (
                <article key={pr.number} className="card pr-card" data-testid="pull-request">
                  <h3 className="card__title">
                    <a href={pr.url} rel="noreferrer noopener" target="_blank">
                      #{pr.number}
                    </a>{" "}
                    <span data-testid="pr-title">{pr.title}</span>
                  </h3>
                  <p className="muted small">
                    {pr.state.toLowerCase()} · <code>{pr.headRefName}</code> → <code>{pr.baseRefName}</code>
                    {pr.authorLogin ? <> · by @{pr.authorLogin}</> : null}
                    {pr.mergedAt ? (
                      <>
                        {" "}
                        · merged <Time iso={pr.mergedAt} now={now} />
                        {pr.mergedByLogin ? <> by @{pr.mergedByLogin}</> : null}
                      </>
                    ) : null}
                    {pr.reviewDecision ? (
                      <> · decision: {pr.reviewDecision.toLowerCase().replace(/_/g, " ")}</>
                    ) : null}
                  </p>
                  {pr.reviews.length ? (
                    <ul className="link-list" aria-label={`Reviews of #${pr.number}`}>
                      {pr.reviews.map((r, i) => (
                        // biome-ignore lint/suspicious/noArrayIndexKey: reviews have no stable key here
                        <li key={i} data-testid="review">
                          <span
                            className={
                              r.state === "APPROVED"
                                ? "ci ci--success"
                                : r.state === "CHANGES_REQUESTED"
                                  ? "ci ci--failure"
                                  : "ci ci--neutral"
                            }
                          >
                            {r.state.toLowerCase().replace(/_/g, " ")}
                          </span>{" "}
                          by {r.authorLogin ? `@${r.authorLogin}` : "a deleted account"}
                          {r.at ? (
                            <>
                              {" "}
                              <Time iso={r.at} now={now} />
                            </>
                          ) : null}
                          {r.commitSha && r.commitSha !== c.sha ? (
                            <>
                              {" "}
                              on <ShortSha sha={r.commitSha} copy={false} />
                            </>
                          ) : null}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <p className="muted">No reviews.</p>
                  )}
                  {pr.dismissals.map((d, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: dismissals are positional
                    <p key={i} className="removed small" data-testid="dismissal">
                      {/^[aeiou]/i.test(d.previousState) ? "An" : "A"}{" "}
                      {d.previousState.toLowerCase().replace(/_/g, " ")} review was dismissed by{" "}
                      {d.actorLogin ? `@${d.actorLogin}` : "someone"} <Time iso={d.at} now={now} />
                      {d.message ? <>: “{d.message}”</> : null}
                    </p>
                  ))}
                </article>
              ))
            ) : (
              <p className="muted">No pull request contains this commit: it was pushed directly.</p>
            )}
          </section>

          <section aria-labelledby="ci-heading" className="section">
            <h2 id="ci-heading" className="section__title">
              CI and signature
            </h2>
            <p data-testid="signature">
              Signature: <Signature signature={c.signature} />
            </p>
            {c.checkSuites.length ? (
              <ul className="link-list" data-testid="check-suites">
                {c.checkSuites.map((s) => (
                  <li key={`${s.app}-${s.url}`}>
                    <span className={conclusionClass(s.status, s.conclusion)}>
                      {conclusionText(s.status, s.conclusion)}
                    </span>{" "}
                    <a href={s.url} rel="noreferrer noopener" target="_blank">
                      {s.app}
                    </a>{" "}
                    <span className="muted small">
                      <Time iso={s.updatedAt} now={now} />
                    </span>
                    {s.runs.length ? (
                      <ul>
                        {s.runs.map((r) => (
                          <li key={`${r.name}-${r.url}`}>
                            <span className={conclusionClass(r.status, r.conclusion)}>
                              {conclusionText(r.status, r.conclusion)}
                            </span>{" "}
                            {r.url ? (
                              <a href={r.url} rel="noreferrer noopener" target="_blank">
                                {r.name}
                              </a>
                            ) : (
                              r.name
                            )}
                          </li>
                        ))}
                      </ul>
                    ) : null}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">No CI ran on this commit.</p>
            )}
          </section>

          <section aria-labelledby="deployments-heading" className="section">
            <h2 id="deployments-heading" className="section__title">
              Deployments of this commit
            </h2>
            {c.deployments.length ? (
              <ul className="link-list" data-testid="deployments">
                {c.deployments.map((d) => (
                  <li key={`${d.environment}-${d.createdAt}`}>
                    <strong>{d.environment ?? "no environment"}</strong>{" "}
                    {d.state?.toLowerCase() ?? "no status"} <Time iso={d.createdAt} now={now} />
                    {d.creatorLogin ? <> by @{d.creatorLogin}</> : null}
                    {d.refName ? (
                      <>
                        {" "}
                        from <code>{d.refName}</code>
                      </>
                    ) : null}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted" data-testid="no-deployments">
                GitHub recorded no deployment of this exact commit
                {reached.length
                  ? ": it reached its environments inside the releases above, deployed at later commits."
                  : "."}
              </p>
            )}
          </section>
        </>
      )}
    </>
  );
}
