// Runs `prisma generate` without Prisma's native schema engine (it cannot be downloaded
// here, and generate never runs it): PRISMA_SCHEMA_ENGINE_BINARY only has to name a file.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const prismaBin = `${root}node_modules/prisma/build/index.js`;
if (!existsSync(prismaBin)) {
  console.error("prisma-generate: the prisma package is not installed (run npm ci)");
  process.exit(1);
}
const result = spawnSync(process.execPath, [prismaBin, "generate", "--schema", "prisma/schema.prisma"], {
  cwd: root,
  stdio: ["ignore", "inherit", "inherit"],
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? fileURLToPath(import.meta.url),
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  },
});
process.exit(result.status ?? 1);
