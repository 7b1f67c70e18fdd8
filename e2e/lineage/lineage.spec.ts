import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { git as gitIn } from "../../lib/git/testing/git";
import { screenshotPages } from "../screenshots";

// The repository the demo (our web server) built and imported; expectations come from git.
const SAMPLE = path.resolve(".demo/sample-shop");
const REPO = "/repos/acme/shop";
// Refs scripts/demo.ts adds with markup in their names.
const HOSTILE_TAG = "demo<svg/onload=alert(1)>";
const HOSTILE_BRANCH = "feature/<i>x</i>";

function git(...args: string[]): string {
  return gitIn(SAMPLE, args).trim();
}

const count = (range: string) => Number(git("rev-list", "--count", range));

/** Collects dialogs (an alert() from injected markup would open one) and dismisses them. */
function guardDialogs(page: Page): string[] {
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return dialogs;
}

test("overview → environment → release → commit → compare", async ({ page }) => {
  const dialogs = guardDialogs(page);
  await page.goto("/");
  // What waits: test's count is what dev runs and test does not.
  const testTip = git("rev-parse", "rc-1.5.1-1^{commit}");
  await expect(
    page.locator(
      '[data-testid="repo-block"][data-repo="acme/shop"] [data-testid="waiting"][data-environment="test"] [data-testid="waiting-count"]',
    ),
  ).toHaveText(count(`${testTip}..develop`).toLocaleString("en"));
  await expect(page.getByTestId("events-chart").locator(".recharts-scatter-symbol").first()).toBeVisible();

  await page.getByRole("link", { name: "acme/shop" }).first().click();
  await page
    .locator('[data-testid="env-card"][data-environment="prod"]')
    .getByRole("link", { name: /Release history/ })
    .click();
  await expect(page).toHaveURL(/\/envs\/prod$/);
  // v1.4.0's release: its added commits link to commit pages.
  await page.goto(`${REPO}/envs/prod`);
  await page
    .getByTestId("event-link")
    .filter({ hasText: /^v1\.4\.0$/ })
    .click();
  await expect(page.getByTestId("release-ref")).toHaveText("v1.4.0");
  const firstCommit = page.getByTestId("added-table").getByTestId("commit-row").first().locator("a.sha-link");
  const sha = await firstCommit.locator('[data-testid="sha"]').getAttribute("title");
  await firstCommit.click();
  await expect(page).toHaveURL(new RegExp(`/commits/${sha}$`));
  await expect(page.getByTestId("commit-headline")).toHaveText(git("log", "-1", "--format=%s", sha!));
  // It reached prod first in v1.4.0 (or an earlier prod release containing it).
  const prod = page.locator('[data-testid="reach-step"][data-environment="prod"]');
  await expect(prod.getByTestId("reach-release")).toBeVisible();
  await expect(page.getByTestId("not-synced")).toBeVisible();

  // Compare with the previous release, from the release page.
  await page.goBack();
  await page.getByTestId("compare-previous").click();
  await expect(page).toHaveURL(/\/compare\/[0-9a-f]{40}\.\.\.[0-9a-f]{40}$/);
  const [a, b] = decodeURIComponent(page.url().split("/compare/")[1]!).split("...");
  await expect(page.getByTestId("added-count")).toHaveText(count(`${a}..${b}`).toLocaleString("en"));
  await expect(page.getByTestId("removed-count")).toHaveText(count(`${b}..${a}`).toLocaleString("en"));
  expect(dialogs).toEqual([]);
});

test("compare pages both lists on the server and accepts tags, environments and ~N", async ({ page }) => {
  const added = count("rc-1.5.1-1..develop");
  const removed = count("develop..rc-1.5.1-1");
  await page.goto(`${REPO}/compare/test...dev`);
  await expect(page.getByTestId("added-count")).toHaveText(added.toLocaleString("en"));
  await expect(page.getByTestId("removed-count")).toHaveText(removed.toLocaleString("en"));
  await expect(page.getByTestId("added-table").getByTestId("commit-row")).toHaveCount(Math.min(50, added));
  await expect(page.getByTestId("removed-table")).toContainText(removed ? "" : "Nothing");

  const big = count("v1.0.0..develop");
  test.skip(big <= 50, "too few commits to page");
  await page.goto(`${REPO}/compare/v1.0.0...develop`);
  await expect(page.getByTestId("added-table").getByTestId("page-summary")).toHaveText(
    `1–50 of ${big.toLocaleString("en")}`,
  );
  await page.getByTestId("added-table").getByRole("link", { name: "Next ›" }).click();
  await expect(page).toHaveURL(/[?&]addedPage=2\b/);
  // Newest first by git's order is not guaranteed across equal dates; the 51st newest by date is on page 2.
  await expect(page.getByTestId("added-table").getByTestId("page-summary")).toHaveText(
    `51–${Math.min(100, big)} of ${big.toLocaleString("en")}`,
  );

  await page.goto(`${REPO}/compare/${encodeURIComponent("v1.4.0~2")}...v1.4.0`);
  await expect(page.getByTestId("added-count")).toHaveText(String(count("v1.4.0~2..v1.4.0")));
});

test("hostile tag, branch and commit text render as text and link correctly", async ({ page }) => {
  const dialogs = guardDialogs(page);
  const tagSha = git("rev-parse", `${HOSTILE_TAG}^{commit}`);
  await page.goto(`/search?q=${encodeURIComponent(HOSTILE_TAG)}`);
  // A unique hit opens the commit page.
  await expect(page).toHaveURL(new RegExp(`/commits/${tagSha}$`));

  await page.goto(
    `${REPO}/compare/${encodeURIComponent(HOSTILE_TAG)}...${encodeURIComponent(HOSTILE_BRANCH)}`,
  );
  await expect(page.getByTestId("compare-a")).toHaveText(HOSTILE_TAG);
  await expect(page.getByTestId("compare-b")).toHaveText(HOSTILE_BRANCH);
  await expect(page.getByTestId("added-count")).toHaveText(
    String(count(`${HOSTILE_TAG}..${HOSTILE_BRANCH}`)),
  );
  await expect(page.locator("main svg[onload], main i")).toHaveCount(0);
  // Swapping sides builds a link with both names encoded once.
  await page.getByTestId("swap").click();
  await expect(page.getByTestId("compare-a")).toHaveText(HOSTILE_BRANCH);

  const headline = git("log", "-1", "--format=%s", "develop");
  await page.goto(`${REPO}/commits/develop`);
  await expect(page.getByTestId("commit-headline")).toHaveText(headline);
  await expect(page.locator("main script")).toHaveCount(0);
  expect(dialogs).toEqual([]);
});

test("search: one box for SHAs, tags, branches and words; lists several, says when none", async ({
  page,
}) => {
  const sha = git("rev-parse", "v1.4.0^{commit}");
  await page.goto("/");
  // "/" focuses the box once the page has hydrated; before that the key does nothing.
  const box = page.getByTestId("search-input");
  await expect(async () => {
    await page.keyboard.press("/");
    await expect(box).toBeFocused({ timeout: 500 });
  }).toPass();
  await page.keyboard.type(sha.slice(0, 8));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/commits/${sha}$`));

  await page.goto("/search?q=release%2F1.4");
  await expect(page).toHaveURL(new RegExp(`/commits/${git("rev-parse", "release/1.4")}$`));

  await page.goto("/search?q=Merge");
  await expect(page.getByTestId("search-results")).toBeVisible();
  await expect(page.locator('[data-testid="search-hit"][data-kind="message"]').first()).toBeVisible();

  await page.goto("/search?q=no%25such_thing");
  await expect(page.getByTestId("no-hits")).toContainText("no%such_thing");

  await page.goto("/search");
  await expect(page.getByTestId("search-empty")).toBeVisible();
});

test("sync page shows the demo's sync run, and a clone-only repository as never synced", async ({ page }) => {
  await page.goto("/sync");
  // acme/shop comes from its clone alone; the globex repositories from the demo's sync.
  await expect(page.locator('[data-testid="sync-repo"][data-repo="acme/shop"]')).toContainText("never");
  await expect(
    page.locator('[data-testid="sync-repo"][data-repo="globex/shop"] [data-testid="last-sync"]'),
  ).toContainText("run #");
  await expect(page.getByTestId("runs-table").getByTestId("run-status").first()).toContainText(/success/i);
});

test("unknown revisions are real 404s that name them", async ({ page }) => {
  let response = await page.goto(`${REPO}/commits/deadbeefdead`);
  expect(response?.status()).toBe(404);
  await expect(page.getByTestId("not-found-message")).toContainText('"deadbeefdead"');
  response = await page.goto(`${REPO}/compare/v1.4.0...${encodeURIComponent("nope<b>x</b>")}`);
  expect(response?.status()).toBe(404);
  await expect(page.getByTestId("not-found-message")).toContainText("v1.4.0...nope<b>x</b>");
  response = await page.goto(`${REPO}/compare/just-one-side`);
  expect(response?.status()).toBe(404);
  response = await page.goto("/repos/acme/nothing/commits/v1.4.0");
  expect(response?.status()).toBe(404);
  await expect(page.getByTestId("not-found-message")).toContainText('unknown repository "acme/nothing"');
  // Known pages stay 200.
  expect((await page.goto(`${REPO}/commits/v1.4.0`))?.status()).toBe(200);
  expect((await page.goto(`${REPO}/compare/v1.3.0...prod`))?.status()).toBe(200);
});

test("screenshots of the overview, commit, compare, search and sync at laptop and phone sizes", async ({
  page,
}, testInfo) => {
  const pages = [
    { name: "overview", url: "/", ready: "events-chart" },
    { name: "commit", url: `${REPO}/commits/v1.4.0`, ready: "reach" },
    { name: "compare", url: `${REPO}/compare/v1.3.0...prod`, ready: "added-table" },
    { name: "search", url: "/search?q=checkout", ready: "search-results" },
    { name: "sync", url: "/sync", ready: "runs-table" },
    { name: "not-found", url: `${REPO}/commits/deadbeefdead`, ready: "not-found" },
  ];
  await screenshotPages(page, testInfo, pages);
});
