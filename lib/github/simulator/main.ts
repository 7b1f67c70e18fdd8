import { resolve } from "node:path";
import { writeConfig } from "./config.ts";
import { PERMISSIONS, type Permission } from "./resolvers.ts";
import { createScenario, type SizeName, scenarioSummary } from "./scenario.ts";
import { FAULT_KINDS, type FaultKind, type Simulator, startSimulator } from "./server.ts";

export interface SimulatorCliOptions {
  seed: number;
  size: SizeName;
  port: number;
  host: string;
  writeConfig: string | null;
  faultRate: number;
  faultKinds: FaultKind[] | null;
  faultSeed: number;
  tokens: string[] | null;
  rateLimit: number | null;
  json: boolean;
  /** Permissions the token lacks: their fields answer FORBIDDEN. */
  forbid: Permission[];
  /** Seed of random schema-valid answers instead of the scenario's (null: the scenario). */
  randomAnswers: number | null;
}

const USAGE = `Usage: lineage simulator [--seed N] [--size small|medium|large] [--port P] [--host H]
                         [--write-config FILE] [--faults RATE] [--fault-kinds 502,504,secondary,slow,partial,something-went-wrong]
                         [--fault-seed N] [--token T]... [--rate-limit POINTS] [--json]
                         [--forbid checks,deployments,actions,pull_requests,environments]
                         [--random-answers SEED]`;

export function parseSimulatorArgs(argv: readonly string[]): SimulatorCliOptions {
  const opts: SimulatorCliOptions = {
    seed: 1,
    size: "small",
    port: 0,
    host: "127.0.0.1",
    writeConfig: null,
    faultRate: 0,
    faultKinds: null,
    faultSeed: 0,
    tokens: null,
    rateLimit: null,
    json: false,
    forbid: [],
    randomAnswers: null,
  };
  const int = (flag: string, v: string | undefined, min = 0): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < min)
      throw new Error(`${flag} expects an integer >= ${min}, got "${v ?? ""}"`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = (argv[i] as string).split(/=(.*)/s, 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case "--seed":
        opts.seed = int(flag, value());
        break;
      case "--size": {
        const v = value();
        if (v !== "small" && v !== "medium" && v !== "large")
          throw new Error(`--size must be small, medium or large, got "${v ?? ""}"`);
        opts.size = v;
        break;
      }
      case "--port":
        opts.port = int(flag, value());
        break;
      case "--host":
        opts.host = value() ?? opts.host;
        break;
      case "--write-config":
        opts.writeConfig = value() ?? null;
        if (!opts.writeConfig) throw new Error("--write-config expects a file name");
        break;
      case "--faults": {
        const v = Number(value());
        if (!(v >= 0 && v <= 1)) throw new Error("--faults expects a probability between 0 and 1");
        opts.faultRate = v;
        break;
      }
      case "--fault-kinds": {
        const kinds = (value() ?? "").split(",").filter(Boolean);
        const bad = kinds.filter((k) => !FAULT_KINDS.includes(k as FaultKind));
        if (bad.length > 0)
          throw new Error(`unknown fault kind(s): ${bad.join(", ")} (known: ${FAULT_KINDS.join(", ")})`);
        opts.faultKinds = kinds as FaultKind[];
        break;
      }
      case "--fault-seed":
        opts.faultSeed = int(flag, value());
        break;
      case "--token":
        opts.tokens = [...(opts.tokens ?? []), value() ?? ""];
        break;
      case "--rate-limit":
        opts.rateLimit = int(flag, value(), 1);
        break;
      case "--json":
        opts.json = true;
        break;
      case "--forbid": {
        const perms = (value() ?? "").split(",").filter(Boolean);
        const bad = perms.filter((p) => !PERMISSIONS.includes(p as Permission));
        if (bad.length > 0)
          throw new Error(`unknown permission(s): ${bad.join(", ")} (known: ${PERMISSIONS.join(", ")})`);
        opts.forbid = perms as Permission[];
        break;
      }
      case "--random-answers":
        opts.randomAnswers = int(flag, value());
        break;
      case "--help":
      case "-h":
        throw new Error(USAGE);
      default:
        throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  return opts;
}

export async function startFromCli(opts: SimulatorCliOptions): Promise<Simulator> {
  const started = performance.now();
  const scenario = createScenario({ seed: opts.seed, size: opts.size });
  const buildMs = performance.now() - started;
  const sim = await startSimulator({
    scenario,
    port: opts.port,
    host: opts.host,
    tokens: opts.tokens ?? undefined,
    rateLimit: opts.rateLimit ? { limit: opts.rateLimit } : undefined,
    forbidden: opts.forbid,
    randomAnswers: opts.randomAnswers === null ? null : { seed: opts.randomAnswers },
    faults:
      opts.faultRate > 0
        ? {
            rate: opts.faultRate,
            kinds: opts.faultKinds ?? undefined,
            seed: opts.faultSeed,
            slowMs: 3000,
            retryAfterSeconds: 5,
          }
        : null,
  });
  const configFile = opts.writeConfig ? resolve(opts.writeConfig) : null;
  if (configFile) writeConfig(scenario, configFile);
  const summary = scenarioSummary(scenario);
  if (opts.json) {
    console.log(
      JSON.stringify({
        url: sim.url,
        repos: sim.repos,
        config: configFile,
        seed: opts.seed,
        size: opts.size,
        summary,
      }),
    );
  } else {
    console.log(`GitHub GraphQL simulator listening on ${sim.url}`);
    console.log(`  export GITHUB_GRAPHQL_URL=${sim.url}`);
    console.log(
      `  token: ${opts.tokens ? "one of --token" : "any non-empty token (Authorization: bearer <token>)"}`,
    );
    console.log(`  repositories: ${sim.repos.join(", ")}`);
    if (configFile) console.log(`  config written to ${configFile}`);
    console.error(
      `seed ${opts.seed}, size ${opts.size}: ${summary.commits} commits, ${summary.pullRequests} PRs, ${summary.checkSuites} check suites, ${summary.deployments} deployments (built in ${buildMs.toFixed(0)} ms)`,
    );
  }
  return sim;
}

/**
 * `lineage simulator …`: serves a scenario until SIGINT/SIGTERM, then resolves with the exit code.
 * Argument errors reject with a one-line reason for the CLI wrapper to print.
 */
export async function runSimulatorCli(argv: readonly string[]): Promise<number> {
  const opts = parseSimulatorArgs(argv);
  const sim = await startFromCli(opts);
  await new Promise<void>((done) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      done();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await sim.close();
  console.error(`simulator stopped after ${sim.stats.requests} requests (${sim.stats.pointsCharged} points)`);
  return 0;
}
