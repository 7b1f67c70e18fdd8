/** Progress of a long operation: phase, objects done, and the rate, for stderr. */
export type ProgressSink = (event: { phase: string; done: number; total?: number; unit?: string }) => void;

export const silentProgress: ProgressSink = () => {};

/**
 * Writes progress lines to a stream: on a terminal one line rewritten in place, elsewhere a
 * line per phase and at most one a second.
 */
export function streamProgress(
  stream: NodeJS.WriteStream = process.stderr,
  label = "lineage",
): ProgressSink & { end(): void } {
  let phase = "";
  let phaseStart = Date.now();
  let lastPrint = 0;
  let lastLine = "";
  const tty = stream.isTTY === true;
  const sink = ((event) => {
    const now = Date.now();
    if (event.phase !== phase) {
      if (tty && lastLine) stream.write("\n");
      phase = event.phase;
      phaseStart = now;
      lastPrint = 0;
    }
    if (now - lastPrint < (tty ? 100 : 1000) && event.total !== event.done) return;
    lastPrint = now;
    const secs = Math.max((now - phaseStart) / 1000, 0.001);
    const unit = event.unit ?? "objects";
    if (event.done === 0 && event.total === undefined) {
      lastLine = `${label}: ${event.phase}…`;
      stream.write(tty ? `\r\x1b[K${lastLine}` : `${lastLine}\n`);
      return;
    }
    const count = event.total !== undefined ? `${event.done}/${event.total}` : `${event.done}`;
    const rate = event.done > 0 ? ` (${Math.round(event.done / secs)} ${unit}/s)` : "";
    lastLine = `${label}: ${event.phase}: ${count} ${unit}${rate}`;
    stream.write(tty ? `\r\x1b[K${lastLine}` : `${lastLine}\n`);
  }) as ProgressSink & { end(): void };
  sink.end = () => {
    if (tty && lastLine) stream.write("\n");
    lastLine = "";
  };
  return sink;
}
