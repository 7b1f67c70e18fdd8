import { describe, expect, it } from "vitest";
import { neutraliseCsvCell } from "./csv";

describe("neutraliseCsvCell", () => {
  it.each([
    ['=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'],
    ["+1+2", "'+1+2"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\t=1", "'\t=1"],
    ["\r=1", "'\r=1"],
  ])("prefixes a quote to %j, which a spreadsheet would run as a formula", (input, want) => {
    expect(neutraliseCsvCell(input)).toBe(want);
  });

  it("leaves ordinary text, inner formula characters and empty cells alone", () => {
    expect(neutraliseCsvCell("v1.2.0")).toBe("v1.2.0");
    expect(neutraliseCsvCell("a=b")).toBe("a=b");
    expect(neutraliseCsvCell(" =1")).toBe(" =1");
    expect(neutraliseCsvCell("")).toBe("");
    expect(neutraliseCsvCell(null)).toBe("");
  });
});
