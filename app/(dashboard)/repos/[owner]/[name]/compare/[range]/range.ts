/**
 * "a...b" from the route segment (Next has decoded it once already). Refs cannot contain
 * "..." (git check-ref-format forbids ".."), so the first "..." is the separator. Null when
 * either side is empty.
 */
export function splitRange(range: string): { a: string; b: string } | null {
  const at = range.indexOf("...");
  if (at < 0) return null;
  const a = range.slice(0, at);
  const b = range.slice(at + 3);
  return a && b ? { a, b } : null;
}
