import type { Metadata } from "next";
import Link from "next/link";
import type { SearchParams } from "nuqs/server";
import { Breadcrumbs } from "@/app/_components/breadcrumbs";
import { DataTable, type DataTableColumn, type DataTableRow } from "@/app/_components/data-table";
import { commitHref, compareHref, eventHref, repoHref } from "@/app/_components/hrefs";
import { NotFoundState } from "@/app/_components/not-found-state";
import { PageState } from "@/app/_components/page-state";
import { parseRepoParams } from "@/app/_components/route-params";
import { ShortSha } from "@/app/_components/short-sha";
import { StatusBadge } from "@/app/_components/status-badge";
import { clampPage } from "@/app/_components/table-params";
import { Time } from "@/app/_components/time";
import { loadPageData } from "@/lib/db/page-data";
import { type BisectStep, formatMarks, type Mark, parseMarks, stepsAtMost } from "@/lib/lineage/bisect";
import { eventStatusKind } from "@/lib/lineage/event-status";
import type { PromotionEventRow } from "@/lib/lineage/events-query";
import type { TraceCandidate } from "@/lib/lineage/trace";
import { parseTraceTime } from "@/lib/lineage/trace";
import { type BisectCommit, getTracePage, type TraceBisect } from "@/lib/lineage/trace-page";
import { EVENTS_PER_PAGE, loadTraceSearchParams, PER_PAGE, serializeTrace } from "./search-params";

export const dynamic = "force-dynamic";

type Props = {
  params: Promise<{ owner: string; name: string }>;
  searchParams: Promise<SearchParams>;
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { owner, name } = await params;
  return { title: `Trace · ${owner}/${name}` };
}

const CI_LABEL = { SUCCESS: "passed", FAILURE: "failed", PENDING: "running", NEUTRAL: "neutral" } as const;

/** GitHub's columns start hidden when nothing is synced: every cell would say "not synced". */
const candidateColumns = (synced: boolean): DataTableColumn[] => [
  { id: "sha", header: "Commit", hideable: false },
  { id: "headline", header: "Message", hideable: false, className: "cell--wrap" },
  { id: "match", header: "Match" },
  { id: "author", header: "Author" },
  { id: "pr", header: "Pull request", className: "cell--wrap", hiddenByDefault: !synced },
  { id: "approvers", header: "Approved by", hiddenByDefault: !synced },
  { id: "ci", header: "CI", hiddenByDefault: !synced },
  { id: "signature", header: "Signature", hiddenByDefault: !synced },
  { id: "committedAt", header: "Committed", className: "cell--nowrap" },
];

const EVENT_COLUMNS: DataTableColumn[] = [
  { id: "seq", header: "#", align: "end", hideable: false },
  { id: "ref", header: "Ref", hideable: false, className: "cell--wrap" },
  { id: "sha", header: "Commit" },
  { id: "status", header: "Status" },
  { id: "added", header: "Added", align: "end" },
  { id: "removed", header: "Removed", align: "end" },
  { id: "at", header: "At", className: "cell--nowrap" },
];

function candidateRows(
  fullName: string,
  list: TraceCandidate[],
  synced: boolean,
  now: number,
): DataTableRow[] {
  const none = (text: string) => <span className="muted">{synced ? text : "not synced"}</span>;
  return list.map((c) => ({
    id: c.sha,
    testId: "candidate-row",
    cells: {
      sha: <ShortSha sha={c.sha} href={commitHref(fullName, c.sha)} />,
      headline: (
        <span data-testid="candidate-headline">
          {c.merge ? <span className="muted small">merge · </span> : null}
          {c.headline}
        </span>
      ),
      match: (
        <>
          {c.matches.grep ? <span className="badge badge--success">grep</span> : null}{" "}
          {c.matches.path ? <span className="badge badge--baseline">path</span> : null}
        </>
      ),
      author: (
        <>
          {c.author}
          {c.authorLogin ? <div className="muted small">@{c.authorLogin}</div> : null}
        </>
      ),
      pr: c.pr ? (
        <>
          <a href={c.pr.url} rel="noreferrer noopener" target="_blank">
            #{c.pr.number}
          </a>{" "}
          <span data-testid="pr-title">{c.pr.title}</span>
        </>
      ) : (
        none("none")
      ),
      approvers: c.pr?.approvers.length ? c.pr.approvers.map((a) => `@${a}`).join(", ") : none("none"),
      ci: c.ci ? <span className={`ci ci--${c.ci.toLowerCase()}`}>{CI_LABEL[c.ci]}</span> : none("no checks"),
      signature:
        c.signature === "verified" ? (
          <span className="ci ci--success">verified</span>
        ) : c.signature === "unverified" ? (
          <span className="ci ci--failure">unverified</span>
        ) : c.signature === "unsigned" ? (
          <span>unsigned</span>
        ) : (
          none("unknown")
        ),
      committedAt: <Time iso={c.committedAt} now={now} />,
    },
  }));
}

function eventRows(fullName: string, env: string, events: PromotionEventRow[], now: number): DataTableRow[] {
  return events.map((e) => ({
    id: String(e.seq),
    testId: "between-row",
    cells: {
      seq: <Link href={eventHref(fullName, env, e.seq)}>#{e.seq}</Link>,
      ref: <span className="ref">{e.ref}</span>,
      sha: <ShortSha sha={e.sha} href={commitHref(fullName, e.sha)} copy={false} />,
      status: <StatusBadge status={eventStatusKind(e)} />,
      added: e.added.toLocaleString("en"),
      removed: e.removed.toLocaleString("en"),
      at: <Time iso={e.at} now={now} />,
    },
  }));
}

function EventLine({
  fullName,
  env,
  event,
  now,
}: {
  fullName: string;
  env: string;
  event: PromotionEventRow;
  now: number;
}) {
  return (
    <span className="trace-event">
      <Link href={eventHref(fullName, env, event.seq)} className="ref">
        {event.ref}
      </Link>{" "}
      <span className="muted">
        {env} #{event.seq}
      </span>{" "}
      <ShortSha sha={event.sha} copy={false} /> <Time iso={event.at} now={now} />
    </span>
  );
}

function remainingText(step: BisectStep): string {
  if (step.kind !== "test") return "";
  return step.remaining === 1 ? "this is the last question" : `at most ${step.remaining} questions left`;
}

export default async function TracePage({ params, searchParams }: Props) {
  const raw = await params;
  const repo = parseRepoParams(raw);
  if (!repo) return <NotFoundState title="Repository not found" message="That is not a repository name." />;
  const q = await loadTraceSearchParams(searchParams);
  const atText = q.at?.trim() ?? "";
  const at = atText ? parseTraceTime(atText) : null;
  const paths = q.path.map((p) => p.trim()).filter(Boolean);
  const result = await loadPageData((db) =>
    getTracePage(db, {
      repo,
      environment: q.env || undefined,
      at,
      good: q.good?.trim() || undefined,
      paths,
      grep: q.grep?.trim() || undefined,
      eventMarks: parseMarks(q.ev),
      commitMarks: parseMarks(q.cm),
      candidatesPage: q.candidatesPage,
      perPage: PER_PAGE,
    }),
  );
  if (!result.ok)
    return (
      <PageState
        result={result}
        notFoundTitle="Repository not found"
        links={[
          { href: `/repos/${encodeURIComponent(raw.owner)}/${encodeURIComponent(raw.name)}`, label: repo },
        ]}
      />
    );
  const data = result.data;
  const fullName = data.repository;
  const base = `${repoHref(fullName)}/trace`;
  const query = { env: q.env, at: q.at, good: q.good, path: paths, grep: q.grep };
  const link = (state: Partial<Parameters<typeof serializeTrace>[0]> & object) =>
    serializeTrace(base, { ...query, ...state });
  const now = Date.now();
  const envShown = q.env || data.environments[data.environments.length - 1] || "";
  const badAt = atText && !at;

  return (
    <>
      <Breadcrumbs
        trail={[{ label: fullName, href: repoHref(fullName), kind: "repo" }, { label: "Trace" }]}
      />
      <div className="page__intro">
        <h1>Which commit introduced it?</h1>
        <p className="muted">
          From the time a behaviour was first seen to the release that was live then, the releases since the
          last good one, their commits — and a bisect down to one commit.
        </p>
      </div>

      <form className="filters trace-form" method="get" aria-label="Trace" data-testid="trace-form">
        <label>
          Environment
          <select name="env" defaultValue={envShown}>
            {data.environments.map((e) => (
              <option key={e} value={e}>
                {e}
              </option>
            ))}
          </select>
        </label>
        <label>
          First seen at
          <input
            name="at"
            defaultValue={atText}
            placeholder="2026-11-28T14:10+01:00"
            required
            spellCheck={false}
            maxLength={40}
            data-testid="trace-at"
          />
        </label>
        <label>
          Last known good (optional)
          <input
            name="good"
            defaultValue={q.good ?? ""}
            placeholder="time, prod@12 or revision"
            spellCheck={false}
            maxLength={200}
            data-testid="trace-good"
          />
        </label>
        {[...paths.map((p, i) => ({ p, key: `path-${i}-${p}` })), { p: "", key: "path-new" }].map(
          ({ p, key }, i) => (
            <label key={key}>
              {i === 0 ? "Path (file, directory or glob)" : "Another path"}
              <input name="path" defaultValue={p} placeholder="src/api/" spellCheck={false} maxLength={500} />
            </label>
          ),
        )}
        <label>
          Text in message or PR title
          <input
            name="grep"
            defaultValue={q.grep ?? ""}
            spellCheck={false}
            maxLength={200}
            data-testid="trace-grep"
          />
        </label>
        <button type="submit" className="button" data-testid="trace-submit">
          Trace
        </button>
      </form>

      {badAt ? (
        <p className="notice notice--error" role="alert" data-testid="trace-error">
          &ldquo;{atText}&rdquo; is not a time: write ISO 8601 with an offset (2026-11-28T14:10:00+01:00) or a
          date (2026-11-28).
        </p>
      ) : data.trace === null ? (
        <p className="muted" data-testid="trace-hint">
          Times are ISO 8601 with an offset, or a date (midnight UTC). Good may be a time, an event as
          ENV@NUMBER (prod@41), or a tag, branch or SHA; left out, it is the event before the suspect.
        </p>
      ) : !data.trace.ok ? (
        <p className="notice notice--error" role="alert" data-testid="trace-error">
          {data.trace.message}
        </p>
      ) : (
        <TraceResultView
          fullName={fullName}
          result={data.trace.result}
          bisect={data.trace.bisect}
          link={link}
          ev={q.ev}
          cm={q.cm}
          candidatesPage={q.candidatesPage}
          betweenPage={q.betweenPage}
          now={now}
        />
      )}
    </>
  );
}

type LinkFn = (state: { ev?: string | null; cm?: string | null; candidatesPage?: number | null }) => string;

function TraceResultView({
  fullName,
  result,
  bisect,
  link,
  ev,
  cm,
  candidatesPage,
  betweenPage,
  now,
}: {
  fullName: string;
  result: Awaited<ReturnType<typeof getTracePage>>["trace"] extends infer T
    ? T extends { ok: true; result: infer R }
      ? R
      : never
    : never;
  bisect: TraceBisect;
  link: LinkFn;
  ev: string | null;
  cm: string | null;
  candidatesPage: number;
  betweenPage: number;
  now: number;
}) {
  const eventsPage = clampPage(betweenPage, result.events.length, EVENTS_PER_PAGE);
  // Newest first, as the release history lists them.
  const eventsShown = [...result.events]
    .reverse()
    .slice((eventsPage - 1) * EVENTS_PER_PAGE, eventsPage * EVENTS_PER_PAGE);
  const env = result.environment;
  const page = clampPage(candidatesPage, result.candidateCount, PER_PAGE);
  const shown = result.candidates;
  const grepCount = result.grepCount;
  return (
    <>
      <section className="stat-row" aria-label="The trace">
        <div className="stat" data-testid="suspect">
          <span className="stat__label">
            Suspect: live in {env} at <Time iso={result.at} mode="datetime" />
          </span>
          <EventLine fullName={fullName} env={env} event={result.suspect} now={now} />
        </div>
        <div className="stat" data-testid="good">
          <span className="stat__label">Last known good</span>
          <EventLine fullName={fullName} env={result.goodEnvironment} event={result.good} now={now} />
        </div>
        <div className="stat">
          <span className="stat__number" data-testid="candidate-count">
            {result.candidateCount.toLocaleString("en")}
          </span>
          <span className="stat__label">
            candidate commits{result.paths.length ? ` touching ${result.paths.join(", ")}` : ""}
            {result.grep !== null ? `; ${grepCount} matching “${result.grep}”` : ""}
          </span>
        </div>
        <div className="stat">
          <span className="stat__number" data-testid="between-count">
            {result.events.length.toLocaleString("en")}
          </span>
          <span className="stat__label">events between good and suspect</span>
        </div>
      </section>

      <p>
        <Link href={compareHref(fullName, result.good.sha, result.suspect.sha)}>
          Compare good with suspect
        </Link>
      </p>

      {result.rollback ? (
        <p className="notice" data-testid="rollback-notice">
          <StatusBadge status="rollback" /> The range spans a rollback:{" "}
          {result.removedCount.toLocaleString("en")} commits live at good or in between are not in the
          suspect. They cannot have caused what the suspect does and are listed apart below.
        </p>
      ) : null}

      <BisectView fullName={fullName} env={env} bisect={bisect} link={link} ev={ev} cm={cm} now={now} />

      {result.events.length ? (
        <section aria-labelledby="between-heading" className="section">
          <h2 id="between-heading" className="section__title">
            Events between good and suspect
          </h2>
          <DataTable
            label="Events between good and suspect"
            testId="between-table"
            urlPrefix="between"
            columns={EVENT_COLUMNS}
            rows={eventRows(fullName, env, eventsShown, now)}
            pagination={{ page: eventsPage, perPage: EVENTS_PER_PAGE, total: result.events.length }}
          />
        </section>
      ) : null}

      <section aria-labelledby="candidates-heading" className="section">
        <h2 id="candidates-heading" className="section__title">
          Candidate commits
        </h2>
        <p className="muted small">
          <code>git rev-list {result.paths.length ? "--full-history --no-merges " : ""}good..suspect</code>
          {result.paths.length ? ` -- ${result.paths.join(" ")}` : ""}
          {result.grep !== null ? "; those matching the text first" : ""}, newest first.
        </p>
        <DataTable
          label="Candidate commits"
          testId="candidates-table"
          urlPrefix="candidates"
          columns={candidateColumns(result.synced)}
          rows={candidateRows(fullName, shown, result.synced, now)}
          pagination={{ page, perPage: PER_PAGE, total: result.candidateCount }}
          empty={
            <p className="muted">
              No candidate commits: the suspect brought no commit
              {result.paths.length ? " touching these paths" : ""} that good did not have.
            </p>
          }
        />
      </section>

      {result.removedCount ? (
        <section aria-labelledby="removed-heading" className="section">
          <h2 id="removed-heading" className="section__title">
            Removed by a rollback in the range <StatusBadge status="rollback" />
          </h2>
          {result.removedCount > result.removed.length ? (
            <p className="muted small">
              The newest {result.removed.length.toLocaleString("en")} of{" "}
              {result.removedCount.toLocaleString("en")} (<code>lineage trace --json</code> lists them all).
            </p>
          ) : null}
          <DataTable
            label="Commits removed by a rollback in the range"
            testId="removed-table"
            urlPrefix="removed"
            columns={[
              { id: "sha", header: "Commit", hideable: false },
              { id: "headline", header: "Message", hideable: false, className: "cell--wrap" },
              { id: "author", header: "Author" },
              { id: "committedAt", header: "Committed", className: "cell--nowrap" },
            ]}
            rows={result.removed.map((c) => ({
              id: c.sha,
              cells: {
                sha: <ShortSha sha={c.sha} href={commitHref(fullName, c.sha)} />,
                headline: c.headline,
                author: c.author,
                committedAt: <Time iso={c.committedAt} now={now} />,
              },
            }))}
          />
        </section>
      ) : null}
    </>
  );
}

function withMark(text: string | null, key: string, mark: Mark): string {
  const marks = parseMarks(text);
  marks.set(key, mark);
  return formatMarks(marks);
}

function withoutLast(text: string | null): string | null {
  const entries = [...parseMarks(text)];
  entries.pop();
  return entries.length ? formatMarks(new Map(entries)) : null;
}

function MarkButtons({ hrefFor, what }: { hrefFor: (m: Mark) => string; what: string }) {
  return (
    <fieldset className="bisect__actions">
      <legend className="visually-hidden">Mark {what}</legend>
      <Link href={hrefFor("good")} className="button bisect__good" data-testid="bisect-good" scroll={false}>
        Good
      </Link>
      <Link href={hrefFor("bad")} className="button bisect__bad" data-testid="bisect-bad" scroll={false}>
        Bad
      </Link>
      <Link
        href={hrefFor("skip")}
        className="button button--secondary"
        data-testid="bisect-skip"
        scroll={false}
      >
        Skip (can't tell)
      </Link>
    </fieldset>
  );
}

function CommitLine({ fullName, c, now }: { fullName: string; c: BisectCommit; now: number }) {
  return (
    <span className="trace-event">
      <ShortSha sha={c.sha} href={commitHref(fullName, c.sha)} />{" "}
      {c.merge ? <span className="badge badge--baseline">merge</span> : null}{" "}
      <span data-testid="bisect-commit-headline">{c.headline}</span>{" "}
      <span className="muted">
        by {c.author}, <Time iso={c.committedAt} now={now} />
      </span>
    </span>
  );
}

function BisectView({
  fullName,
  env,
  bisect,
  link,
  ev,
  cm,
  now,
}: {
  fullName: string;
  env: string;
  bisect: TraceBisect;
  link: LinkFn;
  ev: string | null;
  cm: string | null;
  now: number;
}) {
  const { events, commits } = bisect;
  const started = events.marks.length > 0 || (commits?.marks.length ?? 0) > 0;
  const eventStep = events.step;
  return (
    <section aria-labelledby="bisect-heading" className="section bisect" data-testid="bisect">
      <h2 id="bisect-heading" className="section__title">
        Bisect
      </h2>
      <ol className="bisect__phases">
        <li data-testid="bisect-events">
          <strong>Across events</strong>{" "}
          <span className="muted">
            ({events.items.length - 1} between good and the suspect
            {events.marks.length ? `; marked ${events.marks.map(([s, m]) => `#${s} ${m}`).join(", ")}` : ""})
          </span>
          {eventStep.kind === "test" ? (
            <div
              className="bisect__step"
              data-testid="bisect-step"
              data-phase="events"
              data-sha={events.items[eventStep.index]!.sha}
            >
              <p>
                Was it good or bad at{" "}
                <EventLine fullName={fullName} env={env} event={events.items[eventStep.index]!} now={now} />?{" "}
                <span className="muted" data-testid="bisect-remaining">
                  {remainingText(eventStep)}
                </span>
              </p>
              <MarkButtons
                what={`${env} #${events.items[eventStep.index]!.seq}`}
                hrefFor={(m) =>
                  link({ ev: withMark(ev, String(events.items[eventStep.index]!.seq), m), cm: null })
                }
              />
            </div>
          ) : eventStep.kind === "ambiguous" ? (
            <p className="bisect__result" data-testid="bisect-ambiguous">
              Skipped events leave several: the first bad event is one of{" "}
              {eventStep.indices.map((i) => `#${events.items[i]!.seq} ${events.items[i]!.ref}`).join(", ")}.
            </p>
          ) : (
            <p
              className="bisect__result"
              data-testid="bisect-first-bad-event"
              data-sha={events.items[eventStep.index]!.sha}
            >
              First bad event:{" "}
              <EventLine fullName={fullName} env={env} event={events.items[eventStep.index]!} now={now} />
            </p>
          )}
        </li>
        {commits ? (
          <li data-testid="bisect-commits">
            <strong>Across its commits</strong>{" "}
            <span className="muted">
              ({commits.count} along the first parent, from {commits.previous.ref} to {commits.event.ref}
              {commits.marks.length
                ? `; marked ${commits.marks.map(([s, m]) => `${s.slice(0, 7)} ${m}`).join(", ")}`
                : ""}
              )
            </span>
            {commits.count === 0 ? (
              <p className="bisect__result" data-testid="bisect-no-commits">
                This event brought no commits: it went back to older code (a rollback). What it removed is on
                its <Link href={eventHref(fullName, env, commits.event.seq)}>release page</Link>.
              </p>
            ) : commits.step.kind === "test" ? (
              <div
                className="bisect__step"
                data-testid="bisect-step"
                data-phase="commits"
                data-sha={commits.shown[0]!.sha}
              >
                <p>
                  Was it good or bad at <CommitLine fullName={fullName} c={commits.shown[0]!} now={now} />?{" "}
                  <span className="muted" data-testid="bisect-remaining">
                    {remainingText(commits.step)}
                  </span>
                </p>
                <MarkButtons
                  what={commits.shown[0]!.sha.slice(0, 12)}
                  hrefFor={(m) => link({ ev, cm: withMark(cm, commits.shown[0]!.sha.slice(0, 12), m) })}
                />
              </div>
            ) : commits.step.kind === "ambiguous" ? (
              <div className="bisect__result" data-testid="bisect-ambiguous">
                <p>Skipped commits leave several; it is one of:</p>
                <ul>
                  {commits.shown.map((c) => (
                    <li key={c.sha}>
                      <CommitLine fullName={fullName} c={c} now={now} />
                    </li>
                  ))}
                </ul>
              </div>
            ) : (
              <div className="bisect__result" data-testid="bisect-culprit" data-sha={commits.shown[0]!.sha}>
                <p>
                  <strong>The first bad commit:</strong>{" "}
                  <CommitLine fullName={fullName} c={commits.shown[0]!} now={now} />
                </p>
                {commits.shown[0]!.merge ? (
                  <p className="muted">
                    A merge: the change came in with the branch it merged.{" "}
                    <Link href={compareHref(fullName, `${commits.shown[0]!.sha}^1`, commits.shown[0]!.sha)}>
                      See the commits it brought
                    </Link>
                    .
                  </p>
                ) : null}
              </div>
            )}
          </li>
        ) : null}
      </ol>
      {started ? (
        <p className="bisect__undo">
          <Link
            href={cm ? link({ ev, cm: withoutLast(cm) }) : link({ ev: withoutLast(ev), cm: null })}
            data-testid="bisect-undo"
            scroll={false}
          >
            Undo the last answer
          </Link>{" "}
          ·{" "}
          <Link href={link({ ev: null, cm: null })} data-testid="bisect-restart">
            Start over
          </Link>
        </p>
      ) : (
        <p className="muted small">
          Each answer halves what is left; the answers are kept in the link, so it can be shared mid-way.
          {eventStep.kind === "test"
            ? ` At most ${stepsAtMost(events.items.length - 1)} questions across events.`
            : ""}
        </p>
      )}
    </section>
  );
}
