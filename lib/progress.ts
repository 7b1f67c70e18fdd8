/** Progress of a long operation: phase, objects done, and the rate, for stderr. */
export type ProgressSink = (event: { phase: string; done: number; total?: number; unit?: string }) => void;

export const silentProgress: ProgressSink = () => {};

/** A rate shown over less time than this would be noise (or a whole phase reported at once). */
const MIN_RATE_SECONDS = 0.25;

/**
 * Writes progress lines to a stream. Phases may interleave (an import reads git log while it
 * writes commits and environments), so each phase keeps its own start time, rate and
 * throttle. On a terminal one line is rewritten in place, at most every 100 ms, and a phase
 * that reaches its total stays on screen; elsewhere each phase prints its first event, its
 * last (done = total), and at most one line a second in between.
 */
export function streamProgress(
  stream: NodeJS.WriteStream = process.stderr,
  label = "lineage",
  now: () => number = Date.now,
): ProgressSink & { end(): void } {
  const phases = new Map<string, { start: number; startDone: number; lastPrint: number }>();
  let lastTtyPrint = Number.NEGATIVE_INFINITY;
  let pending = ""; // the line on a terminal that the next write replaces
  const tty = stream.isTTY === true;

  const write = (line: string, keep: boolean) => {
    if (!tty) {
      stream.write(`${line}\n`);
      return;
    }
    stream.write(`\r\x1b[K${line}${keep ? "\n" : ""}`);
    pending = keep ? "" : line;
  };

  const sink = ((event) => {
    const t = now();
    let state = phases.get(event.phase);
    const first = state === undefined;
    if (!state) {
      state = { start: t, startDone: event.done, lastPrint: Number.NEGATIVE_INFINITY };
      phases.set(event.phase, state);
    }
    const finished = event.total !== undefined && event.done === event.total;
    const due = tty ? t - lastTtyPrint >= 100 : t - state.lastPrint >= 1000;
    if (!first && !finished && !due) return;
    state.lastPrint = t;
    lastTtyPrint = t;

    const unit = event.unit ?? "objects";
    if (event.done === 0 && event.total === undefined) {
      write(`${label}: ${event.phase}…`, false);
      return;
    }
    const count = event.total !== undefined ? `${event.done}/${event.total}` : `${event.done}`;
    // The rate counts from the phase's first report, which may already carry a count.
    const secs = (t - state.start) / 1000;
    const rate =
      secs >= MIN_RATE_SECONDS ? ` (${Math.round((event.done - state.startDone) / secs)} ${unit}/s)` : "";
    write(`${label}: ${event.phase}: ${count} ${unit}${rate}`, finished);
  }) as ProgressSink & { end(): void };
  sink.end = () => {
    if (tty && pending) stream.write("\n");
    pending = "";
  };
  return sink;
}
