import { describe, expect, it } from "vitest";
import { filterQuery } from "./filter-query";

describe("filterQuery", () => {
  it("drops cleared fields and keeps the ones in force", () => {
    expect(
      filterQuery([
        ["from", ""],
        ["to", "2024-02-01"],
        ["status", ""],
        ["actor", "  dave "],
      ]),
    ).toBe("?to=2024-02-01&actor=dave");
  });

  it("answers an empty string when every field is cleared", () => {
    expect(
      filterQuery([
        ["from", ""],
        ["to", " "],
      ]),
    ).toBe("");
  });

  it("encodes markup in a value once", () => {
    expect(filterQuery([["actor", "<b>mallory</b>"]])).toBe("?actor=%3Cb%3Emallory%3C%2Fb%3E");
  });
});
