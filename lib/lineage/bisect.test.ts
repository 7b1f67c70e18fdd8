import { describe, expect, it } from "vitest";
import { bisectStep, firstParentRange, formatMarks, type Mark, parseMarks, stepsAtMost } from "./bisect";
import { CommitGraph } from "./graph";
import { isAncestor, rangeDiff } from "./walk";

/** Runs a bisect to the end, answering with `isBad`; `skip(index)` answers skip instead (once per item). */
function run(count: number, isBad: (i: number) => boolean, skip: (i: number) => boolean = () => false) {
  const marks = new Map<number, Mark>();
  let answers = 0;
  const promised = bisectStep(count, marks);
  for (;;) {
    const step = bisectStep(count, marks);
    if (step.kind !== "test") return { step, answers, promised };
    expect(marks.has(step.index)).toBe(false);
    expect(step.index).toBeGreaterThanOrEqual(0);
    expect(step.index).toBeLessThan(count - 1);
    if (skip(step.index)) marks.set(step.index, "skip");
    else {
      marks.set(step.index, isBad(step.index) ? "bad" : "good");
      answers++;
    }
  }
}

describe("bisectStep", () => {
  it("finds the culprit at every position of every history of 1 to 40 items, within the steps it promised", () => {
    for (let count = 1; count <= 40; count++) {
      for (let culprit = 0; culprit < count; culprit++) {
        const { step, answers, promised } = run(count, (i) => i >= culprit);
        expect(step).toEqual({ kind: "found", index: culprit });
        const most = stepsAtMost(count - 1);
        expect(answers).toBeLessThanOrEqual(most);
        if (promised.kind === "test") expect(promised.remaining).toBe(most);
      }
    }
  });

  it("with skips, finds the culprit or names a set of items holding it", () => {
    for (let count = 2; count <= 20; count++) {
      for (let culprit = 0; culprit < count; culprit++) {
        const { step } = run(
          count,
          (i) => i >= culprit,
          (i) => i % 3 === 1,
        );
        if (step.kind === "found") expect(step.index).toBe(culprit);
        else if (step.kind === "ambiguous") {
          expect(step.indices).toContain(culprit);
          expect(step.indices.slice(0, -1).every((i) => i % 3 === 1)).toBe(true);
        } else throw new Error("not finished");
      }
    }
  });

  it("says how many answers remain at most, and ignores a good mark after the first bad one", () => {
    expect(bisectStep(8, new Map())).toMatchObject({ kind: "test", index: 3, remaining: 3 });
    expect(bisectStep(8, new Map([[3, "bad"]]))).toMatchObject({ kind: "test", index: 1, remaining: 2 });
    expect(
      bisectStep(
        8,
        new Map<number, Mark>([
          [3, "bad"],
          [5, "good"],
        ]),
      ),
    ).toMatchObject({ index: 1 });
    expect(bisectStep(1, new Map())).toEqual({ kind: "found", index: 0 });
  });
});

describe("marks in the URL", () => {
  it("round-trip and drop anything malformed", () => {
    const marks = new Map<string, Mark>([
      ["12", "good"],
      ["abc1234", "bad"],
      ["13", "skip"],
    ]);
    expect(formatMarks(marks)).toBe("12:g,abc1234:b,13:s");
    expect(parseMarks(formatMarks(marks))).toEqual(marks);
    expect(parseMarks("1:g,<script>:b,2:x,,3:b")).toEqual(
      new Map<string, Mark>([
        ["1", "good"],
        ["3", "bad"],
      ]),
    );
    expect(parseMarks(null).size).toBe(0);
  });
});

/**
 * A small history: main with direct commits, two feature branches merged, and a criss-cross
 * pair of branches merging each other before both reach main.
 */
function smallHistory() {
  const g = new CommitGraph();
  let t = 0;
  const add = (name: string, ...parents: number[]) => g.add(name.padEnd(40, "0"), parents, ++t * 1000);
  const root = add("a0");
  const good = add("a1", root);
  const m1 = add("a2", good);
  const f1 = add("b1", good);
  const f2 = add("b2", f1);
  const merge1 = add("c1", m1, f2);
  const x1 = add("d1", merge1);
  const y1 = add("e1", merge1);
  const x2 = add("d2", x1, y1);
  const y2 = add("e2", y1, x1);
  const merge2 = add("c2", x2, y2);
  const m2 = add("a3", merge2);
  const f3 = add("b3", good);
  const bad = add("c3", m2, f3);
  return { g, good, bad };
}

describe("firstParentRange and a commit bisect", () => {
  it("for every commit of good..bad planted as the culprit, ends at it or at the merge that brought it", () => {
    const { g, good, bad } = smallHistory();
    const { added } = rangeDiff(g, good, bad);
    expect(added.length).toBe(12);
    const chain = firstParentRange(g, added, bad);
    expect(chain[chain.length - 1]).toBe(bad);
    // Oldest first, each the first parent of the next, every one in the range.
    for (let k = 1; k < chain.length; k++) expect(g.parentsOf(chain[k]!)[0]).toBe(chain[k - 1]);
    expect(chain.every((c) => added.includes(c))).toBe(true);
    expect(g.parentsOf(chain[0]!)[0]).toBe(good);
    for (const culprit of added) {
      const { step } = run(chain.length, (i) => isAncestor(g, culprit, chain[i]!));
      expect(step.kind).toBe("found");
      const found = chain[(step as { index: number }).index]!;
      if (chain.includes(culprit)) expect(found).toBe(culprit);
      else {
        // The first first-parent commit that contains it: a merge whose first parent does not.
        expect(g.parentsOf(found).length).toBeGreaterThan(1);
        expect(isAncestor(g, culprit, found)).toBe(true);
        expect(isAncestor(g, culprit, g.parentsOf(found)[0]!)).toBe(false);
      }
    }
  });

  it("is empty for an event that adds nothing (a rollback)", () => {
    const { g, good, bad } = smallHistory();
    expect(firstParentRange(g, rangeDiff(g, bad, good).added, good)).toEqual([]);
  });
});
