#!/usr/bin/env node
// The `lineage` command. The CLI is TypeScript run through tsx's loader, so the checkout
// needs no build step before `npx lineage`.
import { register } from "tsx/esm/api";

// A reader that stops early (`lineage events … | head`) closes the pipe: that ends the
// output, as it does for git, rather than an error with a stack trace.
process.stdout.on("error", (err) => {
  if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw err;
});

register();
const { main } = await import("../lib/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
