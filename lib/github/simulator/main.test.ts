import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { writeConfig } from "./config.ts";
import { parseSimulatorArgs } from "./main.ts";
import { createScenario } from "./scenario.ts";
import { startSimulator } from "./server.ts";

const dir = mkdtempSync(join(tmpdir(), "lineage-sim-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("simulator CLI", () => {
  it("parses its flags and rejects bad ones", () => {
    expect(
      parseSimulatorArgs([
        "--seed",
        "7",
        "--size=medium",
        "--port",
        "0",
        "--write-config",
        "x.json",
        "--faults",
        "0.2",
      ]),
    ).toMatchObject({ seed: 7, size: "medium", port: 0, writeConfig: "x.json", faultRate: 0.2 });
    expect(() => parseSimulatorArgs(["--size", "huge"])).toThrow(/--size/);
    expect(() => parseSimulatorArgs(["--faults", "2"])).toThrow(/probability/);
    expect(() => parseSimulatorArgs(["--fault-kinds", "502,boom"])).toThrow(/boom/);
    expect(() => parseSimulatorArgs(["--forbid", "checks,admin"])).toThrow(/unknown permission\(s\): admin/);
    expect(parseSimulatorArgs(["--forbid", "checks,deployments", "--random-answers", "3"])).toMatchObject({
      forbid: ["checks", "deployments"],
      randomAnswers: 3,
    });
    expect(() => parseSimulatorArgs(["--nope"])).toThrow(/unknown option/);
  });

  it("writes a lineage config for the scenario's repositories", () => {
    const file = join(dir, "lineage.config.json");
    writeConfig(createScenario({ seed: 1, size: { repos: 2 } }), file);
    const config = JSON.parse(readFileSync(file, "utf8"));
    expect(config.repositories.map((r: { repo: string }) => r.repo)).toEqual(["acme/shop", "acme/api"]);
    expect(config.repositories[0].environments).toEqual([
      { name: "dev", source: { deployments: "dev" } },
      { name: "test", source: { deployments: "test" } },
      { name: "prod", source: { deployments: "prod" } },
    ]);
  });

  it("serves until SIGTERM and exits 0", async () => {
    const main = fileURLToPath(new URL("./main.ts", import.meta.url));
    const file = join(dir, "cli.config.json");
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        `const m = await import(${JSON.stringify(main)}); process.exitCode = await m.runSimulatorCli(process.argv.slice(1));`,
        "--",
        "--seed",
        "4",
        "--port",
        "0",
        "--json",
        "--write-config",
        file,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const line = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("\n")) resolve(out.split("\n")[0] as string);
      });
      child.on("exit", (code) => reject(new Error(`exited early with ${code}`)));
    });
    const info = JSON.parse(line) as { url: string; repos: string[] };
    expect(info.repos).toEqual(["acme/shop", "acme/api", "acme/web"]);
    const res = await fetch(info.url, {
      method: "POST",
      headers: { authorization: "bearer t" },
      body: JSON.stringify({ query: "{ viewer { login } }" }),
    });
    expect(await res.json()).toEqual({ data: { viewer: { login: "lineage-sync" } } });
    expect(JSON.parse(readFileSync(file, "utf8")).repositories).toHaveLength(3);
    const code = await new Promise<number | null>((resolve) => {
      child.on("exit", resolve);
      child.kill("SIGTERM");
    });
    expect(code).toBe(0);
  });
});

describe("secondary limits", () => {
  it("answers 403 with retry-after past the per-minute point budget", async () => {
    const sim = await startSimulator({
      scenario: createScenario({ seed: 1 }),
      secondary: { pointsPerMinute: 2 },
    });
    try {
      const call = () =>
        fetch(sim.url, {
          method: "POST",
          headers: { authorization: "bearer t" },
          body: JSON.stringify({ query: "{ rateLimit { cost } }" }),
        });
      expect((await call()).status).toBe(200);
      expect((await call()).status).toBe(200);
      const limited = await call();
      expect(limited.status).toBe(403);
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(((await limited.json()) as { message: string }).message).toMatch(/secondary rate limit/);
    } finally {
      await sim.close();
    }
  });
});
