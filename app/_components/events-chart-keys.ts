/** A chart point as the keyboard sees it: its key, time and row (environment index, top first). */
export interface PointKeyTarget {
  key: string;
  x: number;
  row: number;
}

/**
 * The point a key moves focus to, from `current` among `ordered` (time order, then row):
 * ← → the previous or next event in time, Home and End the first and last, ↑ ↓ the event
 * nearest in time in the environment above or below that has one. Undefined: the key does
 * not move (not a navigation key, or nothing further that way).
 */
export function moveFocus(
  ordered: readonly PointKeyTarget[],
  current: string,
  key: string,
): string | undefined {
  const i = ordered.findIndex((p) => p.key === current);
  if (i < 0) return undefined;
  const here = ordered[i]!;
  switch (key) {
    case "ArrowRight":
      return ordered[i + 1]?.key;
    case "ArrowLeft":
      return i > 0 ? ordered[i - 1]?.key : undefined;
    case "Home":
      return i > 0 ? ordered[0]?.key : undefined;
    case "End":
      return i < ordered.length - 1 ? ordered.at(-1)?.key : undefined;
    case "ArrowUp":
    case "ArrowDown": {
      const rows = [...new Set(ordered.map((p) => p.row))].sort((a, b) => a - b);
      const step = key === "ArrowUp" ? -1 : 1;
      for (let r = rows.indexOf(here.row) + step; r >= 0 && r < rows.length; r += step) {
        let best: PointKeyTarget | undefined;
        for (const p of ordered) {
          if (p.row !== rows[r]) continue;
          if (!best || Math.abs(p.x - here.x) < Math.abs(best.x - here.x)) best = p;
        }
        if (best) return best.key;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}
