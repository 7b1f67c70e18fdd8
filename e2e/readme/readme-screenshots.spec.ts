// README's screenshots, from the demo at laptop size: `UPDATE_README_SCREENSHOTS=1 npx playwright
// test e2e/readme` rewrites docs/screenshots/*.png. Skipped otherwise, so ordinary runs never touch
// the tracked files (every page's screenshots are test artifacts in the other specs).
import path from "node:path";
import { expect, test } from "@playwright/test";
import { createScenario } from "../../lib/github/simulator/scenario";
import { DEMO_SCENARIO } from "../../scripts/demo-scenario";

const OUT = path.resolve("docs/screenshots");

test("README screenshots: overview, a release, a commit", async ({ page }) => {
  test.skip(
    !process.env.UPDATE_README_SCREENSHOTS,
    "set UPDATE_README_SCREENSHOTS=1 to rewrite docs/screenshots",
  );
  test.setTimeout(120_000);
  const scenario = createScenario({ ...DEMO_SCENARIO });
  const shop = scenario.repos.find((r) => r.name === "shop")!;
  // A merged PR with a dismissed review: the commit page shows PR, reviews, dismissal, CI, signature.
  const pr = scenario.events
    .filter((e) => e.kind === "dismissed-review" && e.repo === "globex/shop")
    .map((e) => shop.pullRequests.find((p) => p.number === e.pr)!)
    .find((p) => p.mergeCommit)!;

  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: "light", reducedMotion: "reduce" });

  await page.goto("/");
  await expect(page.getByTestId("events-chart").first()).toBeVisible();
  // acme/shop's block (a prod rollback, commits waiting, the timeline), not the hostile fixture
  // that sorts first.
  await page
    .locator('[data-testid="repo-block"][data-repo="acme/shop"]')
    .evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 16));
  await page.screenshot({ path: path.join(OUT, "overview.png") });

  // The planted prod rollback: removed commits with their PRs, approvers, CI and signatures.
  await page.goto("/repos/globex/shop/envs/prod?status=rollback");
  await page.getByTestId("event-link").first().click();
  await expect(page.getByTestId("removed-table")).toBeVisible();
  await page.getByTestId("removed-table").scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(OUT, "release.png") });

  await page.goto(`/repos/globex/shop/commits/${pr.mergeCommit}`);
  await expect(page.getByTestId("pull-request").first()).toBeVisible();
  await page.screenshot({ path: path.join(OUT, "commit.png") });
});
