import { describe, expect, it } from "vitest";
import { formatRelative, formatUtc } from "./relative-time";

const NOW = Date.parse("2026-11-26T12:00:00Z");

describe("formatRelative", () => {
  it("truncates, so 20 months ago reads as 1 year, never 2", () => {
    expect(formatRelative("2025-03-26T12:00:00Z", NOW)).toBe("1 year ago");
  });

  it("uses the largest unit that fits", () => {
    expect(formatRelative("2026-11-26T09:00:00Z", NOW)).toBe("3 hours ago");
    expect(formatRelative("2026-11-12T12:00:00Z", NOW)).toBe("2 weeks ago");
  });

  it("says just now under a minute, and handles times ahead of the clock", () => {
    expect(formatRelative("2026-11-26T11:59:30Z", NOW)).toBe("just now");
    expect(formatRelative("2026-11-26T14:00:00Z", NOW)).toBe("in 2 hours");
  });
});

describe("formatUtc", () => {
  it("shows minutes and says UTC", () => {
    expect(formatUtc("2025-03-28T10:12:45.000Z")).toBe("2025-03-28 10:12 UTC");
  });
});
