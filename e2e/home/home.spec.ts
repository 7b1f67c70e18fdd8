import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { git as gitIn } from "../../lib/git/testing/git";

// The repository the demo (our web server) built and imported; expectations come from git.
const SAMPLE = path.resolve(".demo/sample-shop");

function git(...args: string[]): string {
  return gitIn(SAMPLE, args).trim();
}

interface Expected {
  ref: string;
  sha: string;
  at: string;
  actor: string;
  events: number;
}

/** The latest-created tag matching `pattern`, as `git tag --sort=creatordate` orders them. */
function latestTag(pattern: string): Expected {
  const lines = git(
    "for-each-ref",
    "--sort=creatordate",
    "--format=%(refname:short)%09%(creatordate:iso-strict)%09%(taggername)",
    `refs/tags/${pattern}`,
  ).split("\n");
  const [ref, at, tagger] = lines.at(-1)!.split("\t") as [string, string, string];
  const sha = git("rev-parse", `${ref}^{commit}`);
  // A lightweight tag has no tagger; the dashboard then names the commit's committer.
  return { ref, sha, at, actor: tagger || git("log", "-1", "--format=%cn", sha), events: lines.length };
}

function expectedEnvironments(): Record<"dev" | "test" | "prod", Expected> {
  const devSha = git("rev-parse", "develop");
  return {
    dev: {
      ref: "develop",
      sha: devSha,
      at: git("log", "-1", "--format=%cI", devSha),
      actor: git("log", "-1", "--format=%cn", devSha),
      events: Number(git("rev-list", "--first-parent", "--count", "develop")),
    },
    test: latestTag("rc-*"),
    prod: latestTag("v*"),
  };
}

function repositoryCard(page: Page) {
  return page.locator('[data-testid="repository-card"][data-repo="acme/shop"]');
}

test("shows what dev, test and prod run now, as git computes it", async ({ page }) => {
  const expected = expectedEnvironments();
  await page.goto("/");
  const card = repositoryCard(page);
  await expect(card.getByTestId("repository-name")).toHaveText("acme/shop");
  await expect(card.getByTestId("environment-name")).toHaveText(["dev", "test", "prod"]);

  for (const [name, want] of Object.entries(expected)) {
    const row = card.locator(`[data-testid="environment-row"][data-environment="${name}"]`);
    await expect(row.getByTestId("ref"), name).toHaveText(want.ref);
    await expect(row.getByTestId("sha"), name).toHaveText(want.sha.slice(0, 7));
    await expect(row.getByTestId("sha"), name).toHaveAttribute("title", want.sha);
    await expect(row.getByTestId("actor"), name).toHaveText(want.actor);
    await expect(row.getByTestId("event-count"), name).toHaveText(`${want.events} events`);
    const dateTime = await row.locator("time").getAttribute("datetime");
    expect(Date.parse(dateTime ?? ""), `${name} time`).toBe(Date.parse(want.at));
  }

  // prod's latest tag points at an older release than the one before it.
  await expect(card.locator('[data-environment="prod"]').getByTestId("rollback-badge")).toBeVisible();
  await expect(card.locator('[data-environment="dev"]').getByTestId("rollback-badge")).toHaveCount(0);
  await expect(card.locator('[data-environment="test"]').getByTestId("rollback-badge")).toHaveCount(0);
});

test("shows markup in a commit message as text and never runs it", async ({ page }) => {
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const headline = git("log", "-1", "--format=%s", "develop");
  expect(headline).toContain("<script>");

  await page.goto("/", { waitUntil: "load" });
  expect(dialogs, "a script from the database ran").toEqual([]);
  const dev = repositoryCard(page).locator('[data-environment="dev"]');
  await expect(dev.getByTestId("headline")).toHaveText(headline);
  await expect(page.locator("main script")).toHaveCount(0);
});

test("loads Next.js's scripts under its security headers without a CSP violation", async ({ page }) => {
  const problems: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(msg.text());
  });
  page.on("pageerror", (err) => problems.push(err.message));

  const response = await page.goto("/");
  const headers = response!.headers();
  expect(headers["content-security-policy"]).toContain("default-src 'self'");
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["x-powered-by"]).toBeUndefined();

  // The client runtime hydrated, so the scripts the policy must allow did run.
  await page.waitForFunction(() => (window as { next?: { version?: string } }).next?.version !== undefined);
  expect(problems).toEqual([]);
});

test("answers an unknown address with the not-found page", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByTestId("not-found")).toBeVisible();
});

test("home page screenshots: light, dark and narrow", async ({ page }, testInfo) => {
  const shots = [
    { name: "light", colorScheme: "light", width: 1280 },
    { name: "dark", colorScheme: "dark", width: 1280 },
    { name: "narrow", colorScheme: "light", width: 390 },
  ] as const;
  for (const { name, colorScheme, width } of shots) {
    await page.setViewportSize({ width, height: 800 });
    await page.emulateMedia({ colorScheme });
    await page.goto("/");
    await expect(repositoryCard(page)).toBeVisible();
    const file = testInfo.outputPath(`home-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    await testInfo.attach(`home-${name}`, { path: file, contentType: "image/png" });
  }
});
