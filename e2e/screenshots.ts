import { expect, type Page, type TestInfo } from "@playwright/test";

export interface ScreenshotPage {
  name: string;
  url: string;
  /** A test id that shows once the page has rendered. */
  ready: string;
}

/**
 * Visits each page at laptop and phone size: the page itself never scrolls sideways (only
 * tables do, inside their region), and a full-page screenshot is kept as a test artifact.
 */
export async function screenshotPages(
  page: Page,
  testInfo: TestInfo,
  pages: ScreenshotPage[],
): Promise<void> {
  for (const size of [
    { name: "laptop", width: 1280, height: 800 },
    { name: "phone", width: 390, height: 844 },
  ]) {
    await page.setViewportSize({ width: size.width, height: size.height });
    for (const p of pages) {
      await page.goto(p.url);
      await expect(page.getByTestId(p.ready).first()).toBeVisible();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${p.name} at ${size.name} scrolls sideways`).toBeLessThanOrEqual(1);
      const file = testInfo.outputPath(`${p.name}-${size.name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      await testInfo.attach(`${p.name}-${size.name}`, { path: file, contentType: "image/png" });
    }
  }
}
