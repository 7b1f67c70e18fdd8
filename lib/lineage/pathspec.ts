import { compileGlob } from "../config/glob";
import { AppError } from "../errors";

// git's pathspec without magic, as `git log -- PATH` and `git rev-list -- PATH` read it
// (tree_entry_interesting in git's tree-walk.c): a path matches when it is the pathspec or
// lies under it as a directory (a prefix ending at a "/"), or, when the pathspec holds a
// glob character, when the whole path wildmatches it without WM_PATHNAME (so "*" and "?"
// also match "/": `*.ts` matches `src/a/b.ts`). "." (or an empty pathspec) matches every path.

const GLOB_CHARS = /[*?[\\]/;

/** Whether a path matches any of the pathspecs; throws INVALID_ARGUMENT for a pathspec git would refuse. */
export function compilePathspecs(pathspecs: readonly string[]): (path: string) => boolean {
  const tests = pathspecs.map(compilePathspec);
  return (path) => tests.some((t) => t(path));
}

function compilePathspec(raw: string): (path: string) => boolean {
  let spec = raw;
  while (spec.startsWith("./")) spec = spec.slice(2);
  if (spec.startsWith("/"))
    throw new AppError(
      "INVALID_ARGUMENT",
      `path "${raw}" is absolute: give it relative to the repository's root`,
    );
  if (spec.startsWith(":"))
    throw new AppError("INVALID_ARGUMENT", `path "${raw}": pathspec magic (":…") is not supported`);
  if (spec === "" || spec === ".") return () => true;
  if (spec.split("/").includes(".."))
    throw new AppError("INVALID_ARGUMENT", `path "${raw}" is outside the repository`);
  const literal = (path: string) =>
    path === spec ||
    (path.startsWith(spec) && (spec.endsWith("/") || path.charCodeAt(spec.length) === 0x2f)) /* / */;
  if (!GLOB_CHARS.test(spec)) return literal;
  let glob: (name: string) => boolean;
  try {
    glob = compileGlob(spec);
  } catch {
    // A malformed glob (an unclosed "[", an unknown class): git's wildmatch aborts, matching
    // nothing, and only the literal comparison is left.
    return literal;
  }
  return (path) => literal(path) || glob(path);
}
