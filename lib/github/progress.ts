/** Where a sync stands, after each request and each page written. */
export interface SyncProgressEvent {
  /** `owner/name resource`, so a plain ProgressSink can show it too. */
  phase: string;
  /** Items written so far for this repository and resource. */
  done: number;
  unit?: string;
  repo: string;
  resource: string;
  /** Points used by this run so far, and what the token has left (null until GitHub said). */
  points: number;
  remaining: number | null;
}

export type SyncProgress = (event: SyncProgressEvent) => void;

/**
 * One status line for a whole sync (repositories run side by side): what each repository is
 * reading, and the points used and left. Rewritten in place on a terminal, at most one line a
 * second elsewhere.
 */
export function syncProgressPrinter(
  stream: NodeJS.WriteStream = process.stderr,
): SyncProgress & { end(): void } {
  const tty = stream.isTTY === true;
  const latest = new Map<string, string>();
  let last = 0;
  let line = "";
  let points = 0;
  let remaining: number | null = null;
  const render = () =>
    `sync: ${points} points used, ${remaining ?? "?"} left · ${[...latest].map(([repo, what]) => `${repo} ${what}`).join(" · ")}`;
  const print = (force: boolean) => {
    const now = Date.now();
    if (!force && now - last < (tty ? 100 : 1000)) return;
    last = now;
    line = render();
    stream.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
  };
  const sink = ((e: SyncProgressEvent) => {
    latest.set(e.repo, `${e.resource.replace(/_/g, " ")} ${e.done}`);
    points = e.points;
    remaining = e.remaining;
    print(false);
  }) as SyncProgress & { end(): void };
  sink.end = () => {
    if (latest.size > 0) print(true);
    if (tty && line) stream.write("\n");
  };
  return sink;
}
