import Table from "cli-table3";

/** Exactly one JSON document on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A plain table; control characters in cells are shown escaped so text cannot repaint the terminal. */
export function printTable(head: string[], rows: (string | number | boolean | null)[][]): void {
  const table = new Table({ head, style: { head: [], border: [], compact: true } });
  for (const row of rows) table.push(row.map((c) => (c === null ? "" : safeCell(String(c)))));
  process.stdout.write(`${table.toString()}\n`);
}

export function safeCell(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is escaped
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

export function shortSha(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 10) : "";
}
