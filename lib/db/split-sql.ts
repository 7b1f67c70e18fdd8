/**
 * Splits a migration script into its statements at top-level semicolons, skipping those in
 * quotes and comments. Returns undefined for dollar-quoted bodies (functions, DO blocks):
 * this splitter only serves the repair of half-applied migrations, and guessing there
 * would be worse than declining.
 */
export function splitSqlStatements(sql: string): string[] | undefined {
  const out: string[] = [];
  let current = "";
  let meaningful = false; // the current statement has more than whitespace and comments
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      i = end < 0 ? sql.length : end;
      current += "\n";
      continue;
    }
    if (c === "/" && next === "*") {
      const end = sql.indexOf("*/", i + 2);
      if (end < 0) return undefined;
      i = end + 1;
      current += " ";
      continue;
    }
    if (c === "$") return undefined;
    if (c === "'" || c === '"') {
      let j = i + 1;
      for (;;) {
        const k = sql.indexOf(c, j);
        if (k < 0) return undefined;
        if (sql[k + 1] === c) {
          j = k + 2; // a doubled quote stands for itself
          continue;
        }
        current += sql.slice(i, k + 1);
        i = k;
        break;
      }
      meaningful = true;
      continue;
    }
    if (c === ";") {
      if (meaningful) out.push(current.trim());
      current = "";
      meaningful = false;
      continue;
    }
    current += c;
    if (!/\s/.test(c)) meaningful = true;
  }
  if (meaningful) out.push(current.trim());
  return out;
}
