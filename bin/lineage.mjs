#!/usr/bin/env node
// The `lineage` command. It runs the compiled CLI in dist/cli/ (scripts/build-cli.mjs, run by
// postinstall and `npm run build`) when every source file it was built from is unchanged since
// — compiling TypeScript at each start cost about 0.35 s — and otherwise the TypeScript itself
// through tsx's loader, so an edited checkout never runs stale code and needs no build step.
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

// A reader that stops early (`lineage events … | head`) closes the pipe: that ends the
// output, as it does for git, rather than an error with a stack trace.
process.stdout.on("error", (err) => {
  if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw err;
});

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");

/** dist/cli's entry if its manifest matches every source's mtime and size, else null. */
function compiledEntry() {
  if (process.env.LINEAGE_FROM_SOURCE) return null;
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(path.join(root, "dist/cli/manifest.json"), "utf8"));
  } catch {
    return null; // never built (or a build in progress: the manifest is written last)
  }
  for (const [file, [mtimeMs, size]] of Object.entries(manifest.inputs)) {
    let st;
    try {
      st = statSync(path.join(root, file));
    } catch {
      return null; // a source was deleted or moved
    }
    // Equality, not "older than the build": a file restored with an old mtime is a change too.
    if (st.mtimeMs !== mtimeMs || st.size !== size) return null;
  }
  return path.join(root, "dist/cli", manifest.entry);
}

const entry = compiledEntry();
let main;
if (entry) {
  ({ main } = await import(pathToFileURL(entry).href));
} else {
  if (process.env.LINEAGE_DEBUG)
    console.error("lineage: dist/cli is missing or stale; running from source (tsx)");
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("../lib/cli/main.ts"));
}
process.exitCode = await main(process.argv.slice(2));
