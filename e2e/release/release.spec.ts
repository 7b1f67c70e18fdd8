import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { git as gitIn } from "../../lib/git/testing/git";
import { screenshotPages } from "../screenshots";

// The repository the demo (our web server) built and imported; expectations come from git.
const SAMPLE = path.resolve(".demo/sample-shop");
const REPO = "/repos/acme/shop";

function git(...args: string[]): string {
  return gitIn(SAMPLE, args).trim();
}

function guardDialogs(page: Page): string[] {
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return dialogs;
}

/** A CSV parser for what csv-stringify writes (quoted fields, doubled quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

test("overview → repository → environment → release", async ({ page }) => {
  const prodTags = git(
    "for-each-ref",
    "--sort=creatordate",
    "--format=%(refname:short)",
    "refs/tags/v*",
  ).split("\n");
  await page.goto("/");
  await page.getByRole("link", { name: "acme/shop" }).first().click();
  await expect(page).toHaveURL(/\/repos\/acme\/shop$/);
  await expect(page.getByTestId("repo-title")).toHaveText("acme/shop");
  await expect(page.getByTestId("env-card")).toHaveCount(3);
  const prodCard = page.locator('[data-testid="env-card"][data-environment="prod"]');
  await expect(prodCard.getByTestId("ref")).toHaveText(prodTags.at(-1)!);

  await prodCard.getByRole("link", { name: /Release history/ }).click();
  await expect(page).toHaveURL(/\/repos\/acme\/shop\/envs\/prod$/);
  await expect(page.getByTestId("page-summary")).toContainText(`of ${prodTags.length}`);
  // Newest first: the latest tag heads the table.
  await expect(page.getByTestId("event-link").first()).toHaveText(prodTags.at(-1)!);

  await page.getByTestId("event-link").first().click();
  await expect(page).toHaveURL(/\/envs\/prod\/events\/\d+$/);
  await expect(page.getByTestId("release-ref")).toHaveText(prodTags.at(-1)!);
  const crumbs = page.getByTestId("breadcrumbs").locator("li");
  await expect(crumbs).toHaveCount(3);
  await expect(crumbs.nth(0)).toContainText("acme/shop");
  await expect(crumbs.nth(1)).toContainText("prod");
  // The demo's latest prod tag is a rollback: its removed commits are listed, with their count.
  const removed = Number(await page.getByTestId("removed-count").textContent());
  expect(removed).toBeGreaterThan(0);
  const previous = prodTags.at(-2)!;
  expect(removed).toBe(Number(git("rev-list", "--count", `${prodTags.at(-1)}..${previous}`)));
  // Split as git cherry splits the non-merges: "-" superseded (same patch-id as an added
  // commit), "+" dropped; a removed merge goes with what it reaches (exact checks are in
  // lib/git/supersede.integration.test.ts).
  const cherry = git("cherry", prodTags.at(-1)!, previous).split("\n").filter(Boolean);
  const plus = cherry.filter((l) => l.startsWith("+")).length;
  const minus = cherry.length - plus;
  const dropped = Number((await page.getByTestId("dropped-count").textContent())!.replace(/,/g, ""));
  const superseded = Number((await page.getByTestId("superseded-count").textContent())!.replace(/,/g, ""));
  expect(dropped + superseded).toBe(removed);
  expect(dropped).toBeGreaterThanOrEqual(plus);
  expect(superseded).toBeGreaterThanOrEqual(minus);
  if (dropped > 0)
    await expect(page.getByTestId("dropped-table").getByTestId("commit-row")).toHaveCount(
      Math.min(50, dropped),
    );
});

test("pages the release history on the server; the URL holds the page", async ({ page }) => {
  const total = Number(git("rev-list", "--first-parent", "--count", "develop"));
  test.skip(total <= 50, "the demo's develop has too few events to page");
  await page.goto(`${REPO}/envs/dev`);
  await expect(page.getByTestId("page-summary")).toHaveText(`1–50 of ${total.toLocaleString("en")}`);
  await expect(page.getByTestId("event-row")).toHaveCount(50);
  await page.getByTestId("pager").getByRole("link", { name: "Next ›" }).click();
  await expect(page).toHaveURL(/[?&]page=2\b/);
  await expect(page.getByTestId("page-summary")).toHaveText(
    `51–${Math.min(100, total)} of ${total.toLocaleString("en")}`,
  );
  // Page 2 starts where page 1 ended: the 51st newest first-parent commit.
  const fifty1st = git("rev-list", "--first-parent", "--skip=50", "-1", "develop");
  await expect(page.getByTestId("event-row").first().getByTestId("sha")).toHaveAttribute("title", fifty1st);
  // Reloading the copied address shows the same page.
  await page.reload();
  await expect(page.getByTestId("page-summary")).toHaveText(
    `51–${Math.min(100, total)} of ${total.toLocaleString("en")}`,
  );
});

test("a status filter in the URL reproduces the view, and the CSV has the same rows", async ({
  page,
  request,
}) => {
  await page.goto(`${REPO}/envs/prod?status=rollback`);
  const rows = page.getByTestId("event-row");
  const count = await rows.count();
  expect(count).toBeGreaterThan(0);
  await expect(page.locator('[data-testid="event-row"] [data-status]')).toHaveText(
    Array(count).fill("rollback"),
  );
  await expect(page.locator('select[name="status"]')).toHaveValue("rollback");
  const csvHref = await page.getByTestId("csv-link").getAttribute("href");
  expect(csvHref).toContain("status=rollback");

  const response = await request.get(csvHref!);
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toContain("text/csv");
  const [header, ...body] = parseCsv(await response.text());
  expect(header).toEqual([
    "seq",
    "at_utc",
    "environment",
    "ref",
    "sha",
    "actor",
    "status",
    "deployment_status",
    "counted",
    "added",
    "removed",
    "rollback",
    "prs",
  ]);
  expect(body).toHaveLength(count);
  const shown = await page
    .locator('[data-testid="event-row"] [data-testid="sha"]')
    .evaluateAll((els) => els.map((el) => el.getAttribute("title")));
  expect(body.map((r) => r[4])).toEqual(shown);
  for (const row of body) {
    expect(row[6]).toBe("rollback");
    expect(Number(row[10])).toBeGreaterThan(0);
    expect(row[4]).toBe(git("rev-parse", `${row[3]}^{commit}`));
  }
});

test("hostile commit text renders as text on the release page", async ({ page }) => {
  const dialogs = guardDialogs(page);
  const headline = git("log", "-1", "--format=%s", "develop");
  expect(headline).toContain("<script>");
  await page.goto(`${REPO}/envs/dev`);
  await page.getByTestId("event-link").first().click();
  await expect(page.getByTestId("release-headline")).toHaveText(headline);
  await expect(page.getByTestId("added-table").getByTestId("commit-headline").first()).toHaveText(headline);
  await expect(page.locator("main script")).toHaveCount(0);
  expect(dialogs).toEqual([]);
});

test("names what was not found: an unknown environment, event or repository", async ({ page }) => {
  // A real 404 status: the layouts check before any loading state streams.
  expect((await page.goto(`${REPO}/envs/staging`))?.status()).toBe(404);
  await expect(page.getByTestId("not-found")).toBeVisible();
  await expect(page.getByTestId("not-found-message")).toContainText('no environment "staging"');
  // Where the environments are listed instead.
  await expect(page.getByTestId("not-found").getByRole("link", { name: /acme\/shop/ })).toHaveAttribute(
    "href",
    REPO,
  );

  expect((await page.goto(`${REPO}/envs/prod/events/999999`))?.status()).toBe(404);
  await expect(page.getByTestId("not-found-message")).toContainText("no event #999999");

  expect((await page.goto("/repos/acme/nothing-here"))?.status()).toBe(404);
  await expect(page.getByTestId("not-found-message")).toContainText('unknown repository "acme/nothing-here"');

  // Markup in the address is shown as text, never run.
  const dialogs = guardDialogs(page);
  expect((await page.goto(`${REPO}/envs/${encodeURIComponent("v9<svg onload=alert(1)>")}`))?.status()).toBe(
    404,
  );
  await expect(page.getByTestId("not-found")).toBeVisible();
  await expect(page.locator("main svg")).toHaveCount(0);
  expect(dialogs).toEqual([]);
});

test("screenshots of the repository, release history and release at laptop and phone sizes", async ({
  page,
}, testInfo) => {
  await page.goto(`${REPO}/envs/prod`);
  const releaseHref = await page.getByTestId("event-link").first().getAttribute("href");
  const pages = [
    { name: "repository", url: REPO, ready: "env-card" },
    { name: "environment", url: `${REPO}/envs/prod`, ready: "events-table" },
    { name: "release", url: releaseHref!, ready: "added-table" },
  ];
  await screenshotPages(page, testInfo, pages);
});
