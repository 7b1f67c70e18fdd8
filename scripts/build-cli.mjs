// Compiles the `lineage` CLI to JavaScript in dist/cli/ (run by postinstall and `npm run build`).
// Compiling TypeScript at every start cost `lineage where` about 0.35 s (tsx); bin/lineage.mjs
// runs this build instead, but only while manifest.json says every source it was built from
// is unchanged, so it never runs stale code.
//
// Packages stay external (resolved from node_modules at run time: Prisma's runtime, its Wasm
// engines, pg, octokit); our own sources, lib/generated included, are bundled. Code splitting
// keeps the CLI's lazy imports lazy: migrate, import-git, sync and the simulator are chunks
// loaded only when their command runs. All files land flat in dist/cli/, two levels below the
// root like lib/db/migrate.ts, whose path to prisma/migrations is relative to its own file.
import { existsSync, mkdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const outdir = path.join(root, "dist/cli");
const manifestFile = path.join(outdir, "manifest.json");

// Without a manifest the bin falls back to tsx, so a half-written build is never run.
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
const started = Date.now();
const result = await build({
  absWorkingDir: root,
  entryPoints: { main: "lib/cli/main.ts" },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Bundled packages load as one file instead of dozens of modules (zod alone cost 110-150 ms
  // to import as a package); these stay external: Prisma loads its Wasm engines relative to its
  // own files, PGlite its data files, the GraphQL schema package its JSON; pg is shared with
  // @prisma/adapter-pg, and two copies of it break the adapter.
  external: ["@prisma/*", "@electric-sql/*", "@octokit/graphql-schema", "pg", "pg-*", "tsx", "tsx/*"],
  // CommonJS packages inside an ES module bundle call require() for Node's built-ins.
  banner: {
    js: 'import { createRequire as __cr } from "node:module"; const require = __cr(import.meta.url);',
  },
  outExtension: { ".js": ".mjs" },
  metafile: true,
  logLevel: "warning",
  legalComments: "none",
});

const inputs = {};
for (const input of Object.keys(result.metafile.inputs)) {
  const st = statSync(path.join(root, input));
  // A source saved while esbuild read it may be in the bundle in its old form: no manifest.
  if (st.mtimeMs >= started) {
    console.error(
      `build-cli: ${input} changed during the build; the CLI runs from source until the next build`,
    );
    process.exit(0);
  }
  inputs[input] = [st.mtimeMs, st.size];
}
const tmp = `${manifestFile}.tmp`;
writeFileSync(tmp, `${JSON.stringify({ entry: "main.mjs", inputs })}\n`);
renameSync(tmp, manifestFile);
console.error(
  `build-cli: dist/cli/ from ${Object.keys(inputs).length} sources in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);

// npm links a package's bin into the node_modules/.bin of packages that depend on it, never into
// its own: link it here so `node_modules/.bin/lineage` (and that folder on PATH) runs this checkout.
const binLink = path.join(root, "node_modules/.bin/lineage");
if (existsSync(path.dirname(binLink)) && !existsSync(binLink)) {
  try {
    symlinkSync("../../bin/lineage.mjs", binLink);
  } catch (err) {
    console.error(`build-cli: cannot link node_modules/.bin/lineage: ${err.message}`);
  }
}
