import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { git as gitIn, gitResult } from "../../lib/git/testing/git";

// The demo's acme/shop: prod (v* tags) goes 1.2.0 → 1.2.1 → 1.3.0 → 1.4.0 → 1.4.1 → 1.5.0,
// and 1.5.0 broke checkout. The test plants the culprit (a commit of 1.4.1..1.5.0), answers
// each bisect question from git (`merge-base --is-ancestor culprit tested`: bad when the
// tested state contains the culprit) and expects the bisect to end at it.
const SAMPLE = path.resolve(".demo/sample-shop");
const REPO = "/repos/acme/shop";

function git(...args: string[]): string {
  return gitIn(SAMPLE, args).trim();
}

const contains = (tested: string, culprit: string) =>
  gitResult(SAMPLE, ["merge-base", "--is-ancestor", culprit, tested]).status === 0;

function guardDialogs(page: Page): string[] {
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return dialogs;
}

interface ApiEvent {
  seq: number;
  ref: string;
  sha: string;
  at: string;
}

async function prodEvents(page: Page): Promise<ApiEvent[]> {
  const res = await page.request.get("/api/v1/repos/acme/shop/envs/prod/events");
  expect(res.ok()).toBe(true);
  return res.json();
}

/** Answers the bisect until it ends; returns the answers given and the "at most" figures shown. */
async function walkBisect(page: Page, culprit: string) {
  const promised: number[] = [];
  let answers = 0;
  for (let guard = 0; guard < 40; guard++) {
    const step = page.getByTestId("bisect-step");
    if ((await step.count()) === 0) break;
    const sha = (await step.getAttribute("data-sha"))!;
    const remaining = (await step.getByTestId("bisect-remaining").textContent()) ?? "";
    promised.push(/last question/.test(remaining) ? 1 : Number(/at most (\d+)/.exec(remaining)?.[1]));
    const before = page.url();
    await step.getByTestId(contains(sha, culprit) ? "bisect-bad" : "bisect-good").click();
    await expect(page).not.toHaveURL(before);
    answers++;
  }
  return { answers, promised };
}

test("trace from the time 1.5.0 broke prod, then bisect to a planted culprit", async ({ page }) => {
  const dialogs = guardDialogs(page);
  const events = await prodEvents(page);
  const bySha = (ref: string) => events.find((e) => e.ref === ref)!;
  const good = bySha("v1.2.0");
  const suspect = bySha("v1.5.0");
  const seen = new Date(Date.parse(suspect.at) + 60_000).toISOString();

  // A culprit on 1.5.0's first-parent line (a merge of a feature branch): the bisect ends on it.
  const line = git("rev-list", "--first-parent", "v1.5.0", "^v1.4.1").split("\n");
  const culprit = line[Math.floor(line.length / 2)]!;

  await page.goto(REPO);
  await page.getByTestId("trace-link").click();
  await expect(page).toHaveURL(/\/repos\/acme\/shop\/trace$/);
  await page.getByTestId("trace-at").fill(seen);
  await page.getByTestId("trace-good").fill(`prod@${good.seq}`);
  await page.getByTestId("trace-submit").click();
  await expect(page.getByTestId("suspect")).toContainText("v1.5.0");
  await expect(page.getByTestId("good")).toContainText("v1.2.0");
  const expectedCount = Number(git("rev-list", "--count", "v1.5.0", "^v1.2.0"));
  await expect(page.getByTestId("candidate-count")).toHaveText(expectedCount.toLocaleString("en"));
  await expect(page.getByTestId("between-row")).toHaveCount(
    events.filter((e) => e.seq > good.seq && e.seq < suspect.seq).length,
  );

  // Phase 1 across events, phase 2 across 1.5.0's first-parent commits.
  const first = page.getByTestId("bisect-step");
  await expect(first).toHaveAttribute("data-phase", "events");
  const { answers, promised } = await walkBisect(page, culprit);
  await expect(page.getByTestId("bisect-first-bad-event")).toHaveAttribute("data-sha", suspect.sha);
  await expect(page.getByTestId("bisect-culprit")).toHaveAttribute("data-sha", culprit);
  // Each "at most" was kept: never more questions than the first figure of each phase promised.
  expect(answers).toBeLessThanOrEqual(promised[0]! + Math.ceil(Math.log2(line.length)) + 1);

  // The link reproduces the finished bisect; undo steps back one answer.
  const url = page.url();
  const again = await page.context().newPage();
  await again.goto(url);
  await expect(again.getByTestId("bisect-culprit")).toHaveAttribute("data-sha", culprit);
  await again.getByTestId("bisect-undo").click();
  await expect(again.getByTestId("bisect-step")).toBeVisible();
  await again.close();
  expect(dialogs).toEqual([]);
});

test("a culprit on a merged branch ends the commit bisect at the merge that brought it; skip is allowed", async ({
  page,
}) => {
  const events = await prodEvents(page);
  const v141 = events.find((e) => e.ref === "v1.4.1")!;
  const v150 = events.find((e) => e.ref === "v1.5.0")!;
  const line = git("rev-list", "--first-parent", "--reverse", "v1.5.0", "^v1.4.1").split("\n");
  const side = git("rev-list", "--no-merges", "v1.5.0", "^v1.4.1")
    .split("\n")
    .filter((c) => !line.includes(c));
  expect(side.length).toBeGreaterThan(0);
  const culprit = side[Math.floor(side.length / 2)]!;
  const merge = line.find((c) => contains(c, culprit))!;
  expect(git("rev-list", "--no-walk", "--parents", merge).split(" ").length).toBeGreaterThan(2);

  await page.goto(
    `${REPO}/trace?at=${encodeURIComponent(new Date(Date.parse(v150.at) + 60_000).toISOString())}&good=prod@${v141.seq}`,
  );
  await expect(page.getByTestId("suspect")).toContainText("v1.5.0");
  // No events between: the bisect starts on the commits.
  await expect(page.getByTestId("bisect-first-bad-event")).toHaveAttribute("data-sha", v150.sha);
  const step = page.getByTestId("bisect-step");
  await expect(step).toHaveAttribute("data-phase", "commits");
  const skipped = await step.getAttribute("data-sha");
  await step.getByTestId("bisect-skip").click();
  await expect(page.getByTestId("bisect-step")).not.toHaveAttribute("data-sha", skipped!);
  await walkBisect(page, culprit);
  const done = page.getByTestId("bisect-culprit").or(page.getByTestId("bisect-ambiguous"));
  await expect(done).toBeVisible();
  if ((await page.getByTestId("bisect-culprit").count()) > 0)
    await expect(page.getByTestId("bisect-culprit")).toHaveAttribute("data-sha", merge);
  else await expect(page.getByTestId("bisect-ambiguous")).toContainText(merge.slice(0, 7));
});

test("errors are one clear message, and hostile input and data stay text", async ({ page }) => {
  const dialogs = guardDialogs(page);
  await page.goto(`${REPO}/trace?at=2001-01-01`);
  await expect(page.getByTestId("trace-error")).toContainText("before prod's first event");
  await page.goto(`${REPO}/trace?at=yesterday`);
  await expect(page.getByTestId("trace-error")).toContainText("is not a time");

  const hostile = '<img src=x onerror=alert("trace")>';
  const events = await prodEvents(page);
  const last = events[events.length - 1]!;
  await page.goto(
    `${REPO}/trace?${new URLSearchParams({ at: last.at, grep: hostile, path: hostile, good: hostile })}`,
  );
  await expect(page.getByTestId("trace-error")).toContainText(hostile);
  await page.goto(`${REPO}/trace?${new URLSearchParams({ at: last.at, grep: hostile, path: hostile })}`);
  await expect(page.getByTestId("candidate-count").locator("..")).toContainText(hostile);
  await expect(page.getByTestId("trace-grep")).toHaveValue(hostile);
  // A repository whose messages, names and refs are markup: its trace shows them as text.
  await page.goto(`/repos/acme/hostile-refs/trace?at=2100-01-01`);
  await expect(page.getByTestId("suspect").or(page.getByTestId("trace-error"))).toBeVisible();
  expect(await page.locator("img[onerror], svg[onload], script:not([src]):has-text('alert')").count()).toBe(
    0,
  );
  expect(dialogs).toEqual([]);
});

test("trace page screenshots: wide and narrow", async ({ page }, testInfo) => {
  const events = await prodEvents(page);
  const good = events.find((e) => e.ref === "v1.2.0")!;
  const v150 = events.find((e) => e.ref === "v1.5.0")!;
  const url = `${REPO}/trace?${new URLSearchParams({
    at: new Date(Date.parse(v150.at) + 60_000).toISOString(),
    good: `prod@${good.seq}`,
    grep: "checkout",
  })}`;
  for (const [width, height] of [
    [1280, 800],
    [390, 844],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.goto(url);
    await expect(page.getByTestId("bisect-step")).toBeVisible();
    const file = testInfo.outputPath(`trace-${width}.png`);
    await page.screenshot({ path: file, fullPage: true });
    await testInfo.attach(`trace-${width}`, { path: file, contentType: "image/png" });
    // Nothing wider than the viewport.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
  }
});
