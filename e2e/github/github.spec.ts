// The dashboard on synced GitHub data: the demo syncs the simulator's scenario (scripts/demo-scenario.ts)
// as globex/*. createScenario is deterministic, so these tests rebuild the same scenario and take
// every expectation from it (PRs, reviews, CI, signatures, deployments), never from the database.
import { expect, type Page, test } from "@playwright/test";
import {
  HOSTILE_BRANCHES,
  HOSTILE_LOGINS,
  HOSTILE_MESSAGES,
  HOSTILE_TAGS,
} from "../../lib/git/testing/hostile-strings";
import { createScenario, type DeploymentRec, type RepoRec } from "../../lib/github/simulator/scenario";
import { DEMO_SCENARIO, EMPTY_ENVIRONMENT } from "../../scripts/demo-scenario";
import { screenshotPages } from "../screenshots";

const scenario = createScenario({ ...DEMO_SCENARIO });

function repoOf(name: string): RepoRec {
  const repo = scenario.repos.find((r) => `${r.owner}/${r.name}` === name);
  if (!repo) throw new Error(`the demo scenario has no ${name}`);
  return repo;
}

/** Every ancestor of `sha` (itself included), from the scenario's parent links. */
function ancestors(repo: RepoRec, sha: string): Set<string> {
  const parents = new Map(repo.commits.map((c) => [c.oid, c.parents]));
  const seen = new Set<string>();
  const stack = [sha];
  while (stack.length) {
    const s = stack.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    stack.push(...(parents.get(s) ?? []));
  }
  return seen;
}

/** A deployment's outcome: the state of its latest status. */
function outcome(d: DeploymentRec): string {
  const latest = [...d.statuses].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).at(-1);
  return latest?.state ?? d.state;
}

const FAILED = new Set(["FAILURE", "ERROR"]);

/** What the release table's PR, approver, CI and signature cells must say for one commit. */
function expectedCommitCells(repo: RepoRec, sha: string) {
  const prs = repo.pullRequests
    .filter((pr) => pr.commits.includes(sha) || pr.mergeCommit === sha)
    .sort((a, b) => a.number - b.number);
  const approvers = new Set(
    prs.flatMap((pr) => pr.reviews.filter((r) => r.state === "APPROVED").map((r) => `@${r.author}`)),
  );
  const suites = repo.checkSuites.filter((s) => s.commit === sha);
  const rank = { passed: 0, neutral: 1, running: 2, failed: 3 } as const;
  let ci: keyof typeof rank | "no checks" = "no checks";
  for (const s of suites) {
    const c = s.conclusion?.toUpperCase();
    const kind: keyof typeof rank =
      s.status !== "COMPLETED"
        ? "running"
        : c === "SUCCESS"
          ? "passed"
          : c === "NEUTRAL" || c === "SKIPPED" || c === "STALE"
            ? "neutral"
            : "failed";
    if (ci === "no checks" || rank[kind] > rank[ci]) ci = kind;
  }
  const commit = repo.commits.find((c) => c.oid === sha);
  const signature = commit?.signature ? (commit.signature.isValid ? "verified" : "unverified") : "unsigned";
  return { prs, approvers, ci, signature };
}

/** Collects dialogs (an alert() from injected markup would open one) and page errors. */
function guard(page: Page): { dialogs: string[]; errors: string[] } {
  const seen = { dialogs: [] as string[], errors: [] as string[] };
  page.on("dialog", (dialog) => {
    seen.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on("pageerror", (err) => seen.errors.push(err.message));
  return seen;
}

/** Elements that hostile text would create if it were parsed as markup, and any on* attribute. */
async function injected(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    for (const el of document.querySelectorAll(
      "main img, main iframe, main object, main embed, main b, main i",
    ))
      found.push(el.outerHTML.slice(0, 120));
    for (const el of document.querySelectorAll("main script, main style"))
      found.push(el.outerHTML.slice(0, 120));
    for (const el of document.querySelectorAll("*"))
      for (const a of el.attributes) if (a.name.startsWith("on")) found.push(`${el.tagName} ${a.name}`);
    return found;
  });
}

async function commitRow(page: Page, table: string, sha: string) {
  return page
    .getByTestId(table)
    .locator(`[data-testid="commit-row"]:has([data-testid="sha"][title="${sha}"])`);
}

test.describe("synced GitHub data (globex/*)", () => {
  test("the prod rollback: found by the status filter, its removed commits with PRs, approvers, CI and signatures", async ({
    page,
  }) => {
    const repo = repoOf("globex/shop");
    const rollback = scenario.events.find((e) => e.kind === "rollback" && e.repo === "globex/shop")!;
    expect(rollback.tag, "the scenario plants a prod rollback").toBeTruthy();
    const prodDeploys = repo.deployments
      .filter((d) => d.environment === "prod")
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const at = prodDeploys.findIndex((d) => d.databaseId === rollback.deployment);
    const previous = prodDeploys
      .slice(0, at)
      .filter((d) => !FAILED.has(outcome(d)))
      .at(-1)!;
    const removed = [...ancestors(repo, previous.sha)].filter((s) => !ancestors(repo, rollback.sha!).has(s));
    expect(removed.length).toBeGreaterThan(0);

    await page.goto("/repos/globex/shop/envs/prod?status=rollback");
    await expect(page.getByTestId("event-row")).toHaveCount(1);
    await expect(page.getByTestId("event-link")).toHaveText(rollback.tag!);
    await page.getByTestId("event-link").click();
    // The suite's first navigation: a cold server on a busy machine can take a while.
    await expect(page).toHaveURL(/\/repos\/globex\/shop\/envs\/prod\/events\/\d+$/, { timeout: 20_000 });
    await expect(page.getByTestId("release-ref")).toHaveText(rollback.tag!);
    await expect(page.locator(".release-meta [data-status]")).toHaveText("rollback");
    await expect(page.getByTestId("removed-count")).toHaveText(String(removed.length));
    await expect(page.getByTestId("added-count")).toHaveText("0");

    // A pure rollback adds nothing, so no removed change can be in it under another SHA: the
    // split is known without patch-ids even on GitHub-only history, and every commit is dropped.
    await expect(page.getByTestId("dropped-count")).toHaveText(String(removed.length));
    await expect(page.getByTestId("superseded-count")).toHaveText("0");
    const rows = page.getByTestId("dropped-table").getByTestId("commit-row");
    await expect(rows).toHaveCount(Math.min(50, removed.length));
    const shown = await rows
      .locator('[data-testid="sha"]')
      .evaluateAll((els) => els.map((el) => el.getAttribute("title")));
    if (removed.length <= 50) expect(new Set(shown)).toEqual(new Set(removed));
    else for (const sha of shown) expect(removed).toContain(sha);
    for (const sha of shown.slice(0, 12)) {
      const want = expectedCommitCells(repo, sha!);
      const row = await commitRow(page, "dropped-table", sha!);
      const prCell = row.locator('td[data-column="prs"]');
      if (want.prs.length) {
        await expect(prCell.getByRole("link"), sha!).toHaveText(want.prs.map((p) => `#${p.number}`));
        await expect(prCell.getByTestId("pr-title"), sha!).toHaveText(want.prs.map((p) => p.title));
      } else await expect(prCell, sha!).toHaveText("none");
      const approvers = (await row.locator('td[data-column="approvers"]').textContent()) ?? "";
      expect(new Set(approvers === "none" ? [] : approvers.split(", ")), `${sha} approvers`).toEqual(
        want.approvers,
      );
      await expect(row.locator('td[data-column="ci"]'), `${sha} CI`).toHaveText(want.ci);
      await expect(row.locator('td[data-column="signature"]'), `${sha} signature`).toHaveText(want.signature);
    }
  });

  test("a commit's PR with its reviews and dismissals, its CI runs, signature and deployments", async ({
    page,
  }) => {
    const repo = repoOf("globex/shop");
    const dismissedPr = scenario.events
      .filter((e) => e.kind === "dismissed-review" && e.repo === "globex/shop")
      .map((e) => repo.pullRequests.find((pr) => pr.number === e.pr)!)
      .find((pr) => pr.mergeCommit)!;
    expect(dismissedPr, "the scenario has a merged PR with a dismissed review").toBeTruthy();
    const sha = dismissedPr.mergeCommit!;
    await page.goto(`/repos/globex/shop/commits/${sha}`);
    await expect(page.getByTestId("commit-headline")).toHaveText(
      repo.commits.find((c) => c.oid === sha)!.message.split("\n")[0]!,
    );
    const card = page
      .getByTestId("pull-request")
      .filter({ has: page.getByRole("link", { name: `#${dismissedPr.number}` }) });
    await expect(card.getByTestId("pr-title")).toHaveText(dismissedPr.title);
    const reviews = card.getByTestId("review");
    await expect(reviews).toHaveCount(dismissedPr.reviews.length);
    const reviewTexts = await reviews.allTextContents();
    expect(reviewTexts.map((t) => t.match(/@[\w[\]-]+/)?.[0]).sort()).toEqual(
      dismissedPr.reviews.map((r) => `@${r.author}`).sort(),
    );
    expect(reviewTexts.map((t) => t.split(" by ")[0]!.trim()).sort()).toEqual(
      dismissedPr.reviews.map((r) => r.state.toLowerCase().replace(/_/g, " ")).sort(),
    );
    const dismissals = dismissedPr.timeline.filter((t) => t.type === "ReviewDismissedEvent");
    expect(dismissals.length).toBeGreaterThan(0);
    await expect(card.getByTestId("dismissal")).toHaveCount(dismissals.length);
    for (const [i, d] of dismissals.entries()) {
      const text = card.getByTestId("dismissal").nth(i);
      await expect(text).toContainText(`dismissed by @${d.actor}`);
      if (d.dismissalMessage) await expect(text).toContainText(d.dismissalMessage);
    }

    // CI: one entry per check suite on this commit, with its conclusion.
    const suites = repo.checkSuites.filter((s) => s.commit === sha);
    const listed = page.getByTestId("check-suites").locator(":scope > li");
    if (suites.length) {
      await expect(listed).toHaveCount(suites.length);
      const conclusions = await listed.evaluateAll((els) =>
        els.map((el) => el.querySelector(":scope > .ci")?.textContent),
      );
      expect(conclusions.sort()).toEqual(
        suites
          .map((s) => (s.status === "COMPLETED" ? (s.conclusion ?? "none") : s.status).toLowerCase())
          .sort(),
      );
    }
    const commit = repo.commits.find((c) => c.oid === sha)!;
    await expect(page.getByTestId("signature")).toContainText(
      commit.signature ? (commit.signature.isValid ? "verified" : "unverified") : "unsigned",
    );
    const deployments = repo.deployments.filter((d) => d.sha === sha);
    if (deployments.length)
      await expect(page.getByTestId("deployments").locator("li")).toHaveCount(deployments.length);
    else await expect(page.getByTestId("no-deployments")).toBeVisible();
  });

  test("a commit deployed with red CI: its failed check and the release that carried it", async ({
    page,
  }) => {
    const repo = repoOf("globex/web");
    const red = scenario.events.find((e) => e.kind === "red-ci-deployed" && e.repo === "globex/web")!;
    const sha = red.sha!;
    expect(expectedCommitCells(repo, sha).ci).toBe("failed");
    await page.goto(`/repos/globex/web/commits/${sha}`);
    await expect(page.getByTestId("check-suites")).toContainText("failure");
    const deployments = repo.deployments.filter((d) => d.sha === sha);
    await expect(page.getByTestId("deployments").locator("li")).toHaveCount(deployments.length);
    for (const env of new Set(deployments.map((d) => d.environment)))
      await expect(page.getByTestId("deployments")).toContainText(env);
    // Its prod release lists it with CI failed.
    const prodStep = page.locator('[data-testid="reach-step"][data-environment="prod"]');
    await prodStep.getByTestId("reach-release").click();
    await expect(page).toHaveURL(/\/envs\/prod\/events\/\d+$/);
    const row = await commitRow(page, "added-table", sha);
    await expect(row.locator('td[data-column="ci"]')).toHaveText("failed");
  });

  test("a prod deploy of a SHA that never went to test: the commit page says prod had it first", async ({
    page,
  }) => {
    const repo = repoOf("globex/api");
    const hotfix = scenario.events.find((e) => e.kind === "untested-prod-deploy" && e.repo === "globex/api")!;
    const sha = hotfix.sha!;
    // Test never ran it before prod did: no test deployment of it, or only a later one.
    const prodAt = repo.deployments.find((d) => d.databaseId === hotfix.deployment)!.createdAt;
    expect(
      repo.deployments.filter((d) => d.environment === "test" && d.sha === sha && d.createdAt < prodAt),
    ).toEqual([]);

    await page.goto("/repos/globex/api/envs/prod");
    const link = page
      .getByTestId("event-link")
      .filter({ hasText: new RegExp(`^${hotfix.tag!.replace(/\./g, "\\.")}$`) });
    const releaseHref = await link.getAttribute("href");
    await link.click();
    await expect(page.getByTestId("release-ref")).toHaveText(hotfix.tag!);
    await expect(await commitRow(page, "added-table", sha)).toHaveCount(1);

    await page.goto(`/repos/globex/api/commits/${sha}`);
    const prod = page.locator('[data-testid="reach-step"][data-environment="prod"]');
    await expect(prod.getByTestId("reach-release")).toHaveAttribute("href", releaseHref!);
    await expect(prod.getByTestId("reach-skipped")).toContainText(/before test|without going through test/);
    await expect(page.getByTestId("deployments")).toContainText("prod");
    await expect(page.getByTestId("deployments")).toContainText(hotfix.tag!);
  });

  test("release histories list failed deployments, as many as GitHub recorded", async ({ page }) => {
    for (const name of ["globex/web", "globex/api"]) {
      const repo = repoOf(name);
      for (const env of ["dev", "test", "prod"]) {
        const failed = repo.deployments.filter((d) => d.environment === env && FAILED.has(outcome(d)));
        await page.goto(`/repos/${name}/envs/${env}?status=failed`);
        if (failed.length === 0) {
          await expect(page.getByTestId("empty-state"), `${name} ${env}`).toBeVisible();
          continue;
        }
        await expect(page.getByTestId("event-row"), `${name} ${env}`).toHaveCount(failed.length);
        await expect(page.locator('[data-testid="event-row"] [data-status]')).toHaveText(
          Array(failed.length).fill("failed"),
        );
        // By SHA: a deployment's ref reads as null once its branch is deleted, as GitHub does.
        const shas = await page
          .locator('[data-testid="event-row"] [data-testid="sha"]')
          .evaluateAll((els) => els.map((el) => el.getAttribute("title")));
        expect(shas.sort(), `${name} ${env}`).toEqual(failed.map((d) => d.sha).sort());
      }
    }
    // Unfiltered, a failed deployment sits among the others; its release says it did not count.
    await page.goto("/repos/globex/web/envs/prod");
    const failedRow = page.getByTestId("event-row").filter({ has: page.locator('[data-status="failed"]') });
    await expect(failedRow).toHaveCount(1);
    await failedRow.getByTestId("event-link").click();
    await expect(page.getByTestId("release-ref")).toHaveText(HOSTILE_TAGS[1]);
    await expect(page.getByTestId("deployment-status")).toContainText("failure");
    await expect(page.getByTestId("added-count")).toHaveText("0");
  });

  test("an environment with no events and a repository without GitHub data say so", async ({ page }) => {
    await page.goto(`/repos/acme/hostile-refs/envs/${EMPTY_ENVIRONMENT.name}`);
    await expect(page.getByTestId("empty-state")).toContainText("No events yet");
    await expect(page.getByTestId("empty-state")).toContainText(EMPTY_ENVIRONMENT.source.tags);
    await expect(page.getByTestId("empty-state")).toContainText("npx lineage import-git");
    await expect(page.getByTestId("csv-link")).toHaveCount(0);
    await page.goto("/repos/acme/hostile-refs");
    await expect(
      page.locator(`[data-testid="env-card"][data-environment="${EMPTY_ENVIRONMENT.name}"]`),
    ).toContainText("No counted event yet");
    await expect(page.getByTestId("freshness")).toContainText("GitHub not synced");
    await page.goto("/repos/acme/hostile-refs/commits/main");
    await expect(page.getByTestId("not-synced")).toBeVisible();
    await expect(
      page.locator(
        `[data-testid="reach-step"][data-environment="${EMPTY_ENVIRONMENT.name}"] [data-testid="reach-now"]`,
      ),
    ).toContainText("not yet");
  });
});

test.describe("keyboard and address", () => {
  test("the overview's timeline points: Tab reaches them, arrows move, Enter and Space open the release", async ({
    page,
  }) => {
    await page.goto("/");
    const block = page.locator('[data-testid="repo-block"][data-repo="globex/shop"]');
    const points = block.getByTestId("chart-point");
    await expect(points.first()).toBeVisible();
    // One tab stop per chart: exactly one point is in the tab order.
    await expect(block.locator('[data-testid="chart-point"][tabindex="0"]')).toHaveCount(1);
    // Reach it with Tab from the "see them" link or the block's last link before the chart.
    await block.getByTestId("events-chart").evaluate((chart) => {
      const links = [...document.querySelectorAll("a, button, input, [tabindex]")].filter(
        (el) =>
          el.compareDocumentPosition(chart) & Node.DOCUMENT_POSITION_FOLLOWING &&
          (el as HTMLElement).tabIndex >= 0,
      );
      (links.at(-1) as HTMLElement).focus();
    });
    await page.keyboard.press("Tab");
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? "");
    const first = await focused();
    expect(first).toMatch(/^(dev|test|prod) #\d+: .+ UTC, .*Open the release\.$/);
    await expect(block.getByTestId("chart-focus")).toContainText(first.split(":")[0]!);
    await page.keyboard.press("ArrowLeft");
    const second = await focused();
    expect(second).not.toBe(first);
    expect(second).toMatch(/^(dev|test|prod) #\d+:/);
    const [, env, seq] = /^(\w+) #(\d+):/.exec(second)!;
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(new RegExp(`/repos/globex/shop/envs/${env}/events/${seq}$`), {
      timeout: 15_000,
    });

    await page.goBack();
    await block.locator('[data-testid="chart-point"][tabindex="0"]').focus();
    const label = await focused();
    const [, env2, seq2] = /^(\w+) #(\d+):/.exec(label)!;
    await page.keyboard.press("Space");
    await expect(page).toHaveURL(new RegExp(`/repos/globex/shop/envs/${env2}/events/${seq2}$`), {
      timeout: 15_000,
    });
  });

  test("release history filters: cleared fields stay out of the address", async ({ page }) => {
    await page.goto("/repos/globex/web/envs/test");
    await page.locator('select[name="status"]').selectOption("failed");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/\/repos\/globex\/web\/envs\/test\?status=failed$/);
    // The filtered page has rendered (the form is new), before it is changed again.
    await expect(page.locator('[data-testid="event-row"] [data-status]').first()).toHaveText("failed");
    await expect(page.locator('select[name="status"]')).toHaveValue("failed");
    // Clearing it again leaves a bare address.
    await page.locator('select[name="status"]').selectOption("");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/\/repos\/globex\/web\/envs\/test$/);
    // A link with empty keys (a form submitted without JavaScript) lands on the clean address.
    await page.goto("/repos/globex/web/envs/test?from=&to=&status=failed&actor=");
    await expect(page).toHaveURL(/\/repos\/globex\/web\/envs\/test\?status=failed$/);
    await expect(page.locator('[data-testid="event-row"] [data-status]').first()).toHaveText("failed");
  });

  test("on a phone, a wide table says it scrolls sideways", async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/repos/globex/web/envs/prod");
    await expect(page.getByTestId("events-table").getByTestId("scroll-hint")).toBeVisible();
    await expect(page.getByTestId("events-table").getByTestId("scroll-hint")).toContainText(
      "Scroll sideways",
    );
    // Scrolled to the end, it says so.
    await page
      .getByTestId("events-table")
      .locator(".table-scroll")
      .evaluate((el) => {
        el.scrollLeft = el.scrollWidth;
      });
    await expect(page.getByTestId("events-table").getByTestId("scroll-hint")).toContainText("last column");
  });
});

test.describe("hostile strings are inert on every page", () => {
  test("globex/web (simulator) and acme/hostile-refs (git fixture): no dialog, no injected element", async ({
    page,
  }) => {
    test.setTimeout(300_000);
    const seen = guard(page);
    const web = repoOf("globex/web");
    const urls = new Set<string>([
      "/",
      "/sync",
      "/repos/globex/web",
      "/repos/acme/hostile-refs",
      `/repos/globex/web/compare/${encodeURIComponent(HOSTILE_TAGS[0])}...${encodeURIComponent(HOSTILE_TAGS[2])}`,
      `/repos/acme/hostile-refs/compare/${encodeURIComponent(HOSTILE_TAGS[1])}...${encodeURIComponent(HOSTILE_BRANCHES[0])}`,
    ]);
    for (const q of [...HOSTILE_TAGS, HOSTILE_BRANCHES[1], "<script>", HOSTILE_LOGINS[1]])
      urls.add(`/search?q=${encodeURIComponent(q)}`);
    for (const tag of HOSTILE_TAGS) {
      urls.add(`/repos/globex/web/commits/${encodeURIComponent(tag)}`);
      urls.add(`/repos/acme/hostile-refs/commits/${encodeURIComponent(tag)}`);
    }
    // Commits whose messages are the hostile ones, and merge commits of PRs with hostile titles or authors.
    for (const c of web.commits
      .filter((c) => HOSTILE_MESSAGES.some((m) => c.message.startsWith(m.slice(0, 20))))
      .slice(0, 3))
      urls.add(`/repos/globex/web/commits/${c.oid}`);
    for (const pr of web.pullRequests
      .filter((p) => p.mergeCommit && (HOSTILE_LOGINS as readonly string[]).includes(p.author))
      .slice(0, 2))
      urls.add(`/repos/globex/web/commits/${pr.mergeCommit}`);

    // Every environment's history, and every release whose ref has markup in it (found by its link).
    for (const repo of ["globex/web", "acme/hostile-refs"]) {
      for (const env of [
        "dev",
        "test",
        "prod",
        ...(repo === "acme/hostile-refs" ? [EMPTY_ENVIRONMENT.name] : []),
      ]) {
        const history = `/repos/${repo}/envs/${env}`;
        urls.add(history);
        await page.goto(history);
        const links = page.getByTestId("event-link");
        for (const link of await links.all()) {
          const text = (await link.textContent()) ?? "";
          if (/[<>"'&{]/.test(text) || env === "prod") urls.add((await link.getAttribute("href"))!);
        }
      }
    }
    expect(urls.size).toBeGreaterThan(40);

    const hostileSeen = new Set<string>();
    for (const url of urls) {
      const response = await page.goto(url);
      expect(response?.status(), url).toBe(200);
      await expect(page.locator("main")).toBeVisible();
      // Hydrated, so client components (tables, the chart, times) have rendered their text too.
      await page.waitForFunction(
        () => document.querySelector("time[data-hydrated]") !== null || !document.querySelector("time"),
        undefined,
        { timeout: 20_000 },
      );
      expect(await injected(page), url).toEqual([]);
      const text = (await page.locator("main").textContent()) ?? "";
      for (const s of [...HOSTILE_TAGS, ...HOSTILE_BRANCHES, ...HOSTILE_LOGINS])
        if (text.includes(s)) hostileSeen.add(s);
    }
    expect(seen.dialogs, "a dialog opened: a hostile string ran as script").toEqual([]);
    expect(seen.errors).toEqual([]);
    // The strings were on the pages, as text.
    for (const s of [...HOSTILE_TAGS, HOSTILE_BRANCHES[0], HOSTILE_LOGINS[1]])
      expect([...hostileSeen]).toContain(s);
  });

  test("a release with a hostile tag name links to itself and its compare, encoded once", async ({
    page,
  }) => {
    const seen = guard(page);
    await page.goto("/repos/globex/web/envs/prod");
    for (const tag of [HOSTILE_TAGS[0], HOSTILE_TAGS[2], HOSTILE_TAGS[3]]) {
      await page.goto("/repos/globex/web/envs/prod");
      const link = page.getByTestId("event-link").filter({ hasText: tag }).first();
      const href = await link.getAttribute("href");
      await link.click();
      await expect(page).toHaveURL(new RegExp(`${href!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
      await expect(page.getByTestId("release-ref")).toHaveText(tag, { timeout: 15_000 });
      await expect(page.getByTestId("breadcrumbs")).toContainText(tag);
    }
    // The compare form takes a hostile tag as the other side.
    await page.getByTestId("compare-form").locator("input").fill(HOSTILE_TAGS[0]);
    await page.getByTestId("compare-form").getByRole("button", { name: "Compare" }).click();
    await expect(page.getByTestId("compare-a")).toHaveText(HOSTILE_TAGS[0]);
    expect(await injected(page)).toEqual([]);
    expect(seen.dialogs).toEqual([]);
  });
});

test("screenshots of synced pages: rollback release, hotfix commit, a history with failures, at laptop and phone sizes", async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  const hotfix = scenario.events.find((e) => e.kind === "untested-prod-deploy")!;
  await page.goto("/repos/globex/shop/envs/prod?status=rollback");
  const rollbackHref = await page.getByTestId("event-link").first().getAttribute("href");
  const pages = [
    { name: "synced-release-rollback", url: rollbackHref!, ready: "dropped-table" },
    { name: "synced-commit-hotfix", url: `/repos/globex/api/commits/${hotfix.sha}`, ready: "reach" },
    { name: "synced-history-failures", url: "/repos/globex/web/envs/test", ready: "events-table" },
    { name: "synced-repository", url: "/repos/globex/web", ready: "env-card" },
    {
      name: "empty-environment",
      url: `/repos/acme/hostile-refs/envs/${EMPTY_ENVIRONMENT.name}`,
      ready: "empty-state",
    },
  ];
  await screenshotPages(page, testInfo, pages);
});
