import { describe, expect, it } from "vitest";
import { moveFocus, type PointKeyTarget } from "./events-chart-keys";

// dev (row 0) at t=1, 5, 9; test (row 1) at t=4; prod (row 2) at t=10.
const points: PointKeyTarget[] = [
  { key: "dev#0", x: 1, row: 0 },
  { key: "test#0", x: 4, row: 1 },
  { key: "dev#1", x: 5, row: 0 },
  { key: "dev#2", x: 9, row: 0 },
  { key: "prod#0", x: 10, row: 2 },
];

describe("moveFocus", () => {
  it("walks events in time with the left and right arrows, and stops at the ends", () => {
    expect(moveFocus(points, "test#0", "ArrowRight")).toBe("dev#1");
    expect(moveFocus(points, "test#0", "ArrowLeft")).toBe("dev#0");
    expect(moveFocus(points, "dev#0", "ArrowLeft")).toBeUndefined();
    expect(moveFocus(points, "prod#0", "ArrowRight")).toBeUndefined();
  });

  it("jumps to the first and last event with Home and End", () => {
    expect(moveFocus(points, "dev#1", "Home")).toBe("dev#0");
    expect(moveFocus(points, "dev#1", "End")).toBe("prod#0");
    expect(moveFocus(points, "prod#0", "End")).toBeUndefined();
  });

  it("moves up and down to the environment's event nearest in time", () => {
    expect(moveFocus(points, "dev#2", "ArrowDown")).toBe("test#0");
    expect(moveFocus(points, "test#0", "ArrowUp")).toBe("dev#1");
    expect(moveFocus(points, "test#0", "ArrowDown")).toBe("prod#0");
    expect(moveFocus(points, "dev#1", "ArrowUp")).toBeUndefined();
  });

  it("skips an environment without events", () => {
    const sparse = points.filter((p) => p.row !== 1);
    expect(moveFocus(sparse, "dev#2", "ArrowDown")).toBe("prod#0");
    expect(moveFocus(sparse, "prod#0", "ArrowUp")).toBe("dev#2");
  });

  it("ignores other keys and unknown points", () => {
    expect(moveFocus(points, "dev#0", "a")).toBeUndefined();
    expect(moveFocus(points, "nope", "ArrowRight")).toBeUndefined();
  });
});
