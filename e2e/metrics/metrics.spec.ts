import { mkdirSync } from "node:fs";
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { git as gitIn } from "../../lib/git/testing/git";

// The demo's acme/shop clone: prod is its v* tags, so deployments are counted with git.
const SAMPLE = path.resolve(".demo/sample-shop");
const SHOTS = path.resolve("reports/screens");
const REPO = "/repos/acme/shop";
const PERIOD = { from: "2025-01-01", to: "2026-11-28" };

function guardDialogs(page: Page): string[] {
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return dialogs;
}

/** v* tags created in [from, to + 1 day), as `git for-each-ref` dates them. */
function tagsInPeriod(pattern: string): number {
  const from = Date.parse(`${PERIOD.from}T00:00:00Z`);
  const to = Date.parse(`${PERIOD.to}T00:00:00Z`) + 86_400_000;
  return gitIn(SAMPLE, ["for-each-ref", "--format=%(creatordate:unix)", `refs/tags/${pattern}`])
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((s) => Number(s) * 1000)
    .filter((t) => t >= from && t < to).length;
}

test.describe("delivery metrics", () => {
  test("acme/shop prod: totals as git and the API say; a bar lists its releases; screenshots", async ({
    page,
    request,
  }) => {
    const dialogs = guardDialogs(page);
    const query = `env=prod&from=${PERIOD.from}&to=${PERIOD.to}&bucket=month`;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${REPO}/metrics?${query}`);
    await expect(page.getByTestId("metrics-title")).toHaveText("Delivery metrics of prod");
    const deployments = tagsInPeriod("v*");
    expect(deployments).toBeGreaterThan(3);
    await expect(page.getByTestId("total-deployments")).toHaveText(String(deployments));

    // The API's document for the same period (to is exclusive there: the day after).
    const api = await request.get(
      `/api/v1/repos/acme/shop/metrics?env=prod&from=${PERIOD.from}&to=2026-11-29&bucket=month`,
    );
    expect(api.status()).toBe(200);
    const doc = await api.json();
    expect(doc.total.deployments.count).toBe(deployments);
    const rate = doc.total.changeFailure.rate;
    await expect(page.getByTestId("total-failure-rate")).toHaveText(
      rate === null ? "–" : `${Math.round(rate * 1000) / 10}%`,
    );
    for (const id of [
      "chart-frequency",
      "chart-lead-time",
      "chart-lead-histogram",
      "chart-failure-rate",
      "chart-recovery",
    ])
      await expect(page.getByTestId(id).getByRole("application")).toBeVisible();
    await expect(page.getByTestId("releases-hint")).toBeVisible();
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, "metrics-1280.png") });
    await page.locator(".metrics-charts").screenshot({ path: path.join(SHOTS, "metrics-1280-charts.png") });

    // Click a bar of the frequency chart (recharts draws none for an empty bucket): its
    // bucket's releases, linked.
    await page.getByTestId("chart-frequency").locator(".recharts-bar-rectangle").first().click();
    await expect(page).toHaveURL(/sel=\d{4}-\d{2}-01/);
    const sel = new URL(page.url()).searchParams.get("sel")!;
    const busiest = doc.buckets.find((b: { start: string }) => b.start.startsWith(sel));
    expect(busiest.deployments.count).toBeGreaterThan(0);
    const rows = page.getByTestId("release-row");
    await expect(rows.first()).toBeVisible();
    const seqs = [
      ...new Set([
        ...busiest.deployments.seqs,
        ...busiest.changeFailure.failed.seqs,
        ...busiest.leadTime.seqs,
      ]),
    ];
    await expect(rows).toHaveCount(seqs.length);
    const first = page.getByTestId("release-link").first();
    await expect(first).toHaveAttribute(
      "href",
      new RegExp(`^/repos/acme/shop/envs/prod/events/${Math.min(...seqs)}$`),
    );
    await page.locator("#releases").screenshot({ path: path.join(SHOTS, "metrics-1280-selected.png") });
    await first.click();
    await expect(page).toHaveURL(new RegExp(`/envs/prod/events/${Math.min(...seqs)}$`));
    expect(dialogs).toEqual([]);
  });

  test("the table of buckets reaches the same list from the keyboard", async ({ page }) => {
    await page.goto(`${REPO}/metrics?env=prod&from=${PERIOD.from}&to=${PERIOD.to}&bucket=month`);
    const link = page.getByTestId("bucket-link").first();
    await link.focus();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/sel=2025-01-01/);
    await expect(page.getByTestId("bucket-link").first()).toHaveAttribute("aria-current", "true");
    await expect(page.locator("#releases h2")).toContainText("Releases of the month of 2025-01");
  });

  test("phone width: readable, no horizontal scroll of the page", async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${REPO}/metrics?env=prod&from=${PERIOD.from}&to=${PERIOD.to}`);
    await expect(page.getByTestId("chart-frequency").getByRole("application")).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await page.screenshot({ path: path.join(SHOTS, "metrics-390.png") });
    await page.locator(".metrics-charts").screenshot({ path: path.join(SHOTS, "metrics-390-charts.png") });
  });

  test("a period without events shows the empty state; bad input says why", async ({ page }) => {
    await page.goto(`${REPO}/metrics?env=prod&from=2020-01-01&to=2020-03-01`);
    await expect(page.getByTestId("empty-state")).toContainText("No events in this period");
    await page.goto(`${REPO}/metrics?env=prod&from=2025-03-01&to=2025-01-01`);
    await expect(page.getByTestId("invalid-state")).toContainText("from must be before to");
    await page.goto(`${REPO}/metrics?env=nope`);
    await expect(page.getByText('has no environment "nope"')).toBeVisible();
  });

  test("hostile refs and deployments stay text; the all-repositories page links each environment", async ({
    page,
  }) => {
    const dialogs = guardDialogs(page);
    await page.goto("/repos/acme/hostile-refs/metrics?env=prod&from=2025-01-01&to=2026-11-28&bucket=month");
    // Its events are of March 2025 (lib/git/testing/hostile-repo.ts).
    await page.getByTestId("bucket-link").filter({ hasText: "2025-03" }).click();
    await expect(page.getByTestId("release-row").first()).toBeVisible();
    // Tag names with markup are link text, not elements.
    const refs = await page.getByTestId("release-link").allTextContents();
    expect(refs.some((r) => r.includes("<"))).toBe(true);
    expect(
      await page.locator("#releases img, #releases script, #releases b, #releases svg[onload]").count(),
    ).toBe(0);
    await page.locator("#releases").screenshot({ path: path.join(SHOTS, "metrics-hostile-releases.png") });
    // The simulator's deployments (2024): the default period is the 12 weeks up to the latest.
    await page.goto("/repos/globex/web/metrics");
    await expect(page.getByTestId("metrics-title")).toBeVisible();
    await page.locator(".metrics-charts").screenshot({ path: path.join(SHOTS, "metrics-globex-charts.png") });
    await page.getByTestId("bucket-link").last().click();
    await expect(page.getByTestId("release-row").first()).toBeVisible();
    expect(await page.locator("#releases img, #releases svg[onload], #releases script").count()).toBe(0);

    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto("/");
    await page.getByRole("link", { name: "Metrics", exact: true }).click();
    await expect(page.getByTestId("metrics-title")).toHaveText("Delivery metrics, all repositories");
    await page.goto(`/metrics?from=${PERIOD.from}&to=${PERIOD.to}&bucket=month`);
    const row = page.getByTestId("metrics-row").filter({ hasText: "acme/shop" }).filter({ hasText: "prod" });
    await expect(row).toHaveCount(1);
    await expect(page.getByTestId("chart-all-frequency").getByRole("application")).toBeVisible();
    await page.screenshot({ path: path.join(SHOTS, "metrics-all-1280.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(SHOTS, "metrics-all-390.png") });
    await row.getByTestId("env-metrics-link").click();
    await expect(page.getByTestId("metrics-title")).toHaveText("Delivery metrics of prod");
    await expect(page).toHaveURL(/\/repos\/acme\/shop\/metrics\?.*env=prod/);
    expect(dialogs).toEqual([]);
  });
});
