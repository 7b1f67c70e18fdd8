import { describe, expect, it } from "vitest";
import { streamProgress } from "./progress";

function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = { isTTY, write: (s: string) => chunks.push(s) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, chunks };
}

describe("streamProgress", () => {
  it("keeps each interleaved phase's own rate and throttle (not a terminal)", () => {
    const { stream, chunks } = fakeStream(false);
    let t = 0;
    const progress = streamProgress(stream, "import-git", () => t);
    progress({ phase: "reading git log", done: 0, unit: "commits" });
    // Two flows report alternately every 100 ms for 3 s.
    for (let step = 1; step <= 30; step++) {
      t = step * 100;
      progress({ phase: "reading git log", done: step * 1000, unit: "commits" });
      progress({ phase: "writing commits", done: step * 500, unit: "commits" });
    }
    progress({ phase: "environment prod", done: 442, total: 442, unit: "events" });

    expect(chunks).toEqual([
      "import-git: reading git log…\n",
      // A phase's first report has no rate: nothing has been timed yet.
      "import-git: writing commits: 500 commits\n",
      "import-git: reading git log: 10000 commits (10000 commits/s)\n",
      "import-git: writing commits: 5500 commits (5000 commits/s)\n",
      "import-git: reading git log: 20000 commits (10000 commits/s)\n",
      "import-git: writing commits: 10500 commits (5000 commits/s)\n",
      "import-git: reading git log: 30000 commits (10000 commits/s)\n",
      "import-git: environment prod: 442/442 events\n",
    ]);
  });

  it("rewrites one line on a terminal and keeps finished phases on screen", () => {
    const { stream, chunks } = fakeStream(true);
    let t = 0;
    const progress = streamProgress(stream, "demo", () => t);
    progress({ phase: "writing commits", done: 100, unit: "commits" });
    t = 50; // within 100 ms of the last line: skipped
    progress({ phase: "writing commits", done: 200, unit: "commits" });
    t = 500;
    progress({ phase: "writing commits", done: 900, unit: "commits" });
    t = 520; // a finished phase always prints, and stays
    progress({ phase: "environment dev", done: 7, total: 7, unit: "events" });
    t = 1000;
    progress({ phase: "writing commits", done: 1600, unit: "commits" });
    progress.end();

    expect(chunks).toEqual([
      "\r\x1b[Kdemo: writing commits: 100 commits",
      "\r\x1b[Kdemo: writing commits: 900 commits (1600 commits/s)",
      "\r\x1b[Kdemo: environment dev: 7/7 events\n",
      "\r\x1b[Kdemo: writing commits: 1600 commits (1500 commits/s)",
      "\n",
    ]);
  });
});
