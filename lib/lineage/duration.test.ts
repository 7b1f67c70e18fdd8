import { describe, expect, it } from "vitest";
import { bucketDate, formatDuration, formatRate } from "./duration";

describe("formatDuration", () => {
  it.each([
    [null, "–"],
    [0, "0 s"],
    [59, "59 s"],
    [1800, "30 min"],
    [5400, "1.5 h"],
    [12_600, "3.5 h"],
    [356_400, "4.1 d"],
    [-7200, "−2 h"],
  ])("%s s → %s", (s, text) => expect(formatDuration(s)).toBe(text));
});

describe("formatRate and bucketDate", () => {
  it("rounds to a tenth of a percent; dates are in the bucket's zone", () => {
    expect(formatRate(1 / 3)).toBe("33.3%");
    expect(formatRate(null)).toBe("–");
    expect(bucketDate("2025-12-29T05:00:00.000Z", "America/New_York")).toBe("2025-12-29");
    expect(bucketDate("2025-12-29T05:00:00.000Z", "Asia/Tokyo")).toBe("2025-12-29");
    expect(bucketDate("2025-12-29T00:00:00.000Z", "America/New_York")).toBe("2025-12-28");
  });
});
