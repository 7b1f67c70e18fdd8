#!/usr/bin/env node
// The `lineage` command. The CLI is TypeScript run through tsx's loader, so the checkout
// needs no build step before `npx lineage`.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../lib/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
