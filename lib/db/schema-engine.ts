// Prisma's schema engine compiled to WebAssembly, driven through the pg driver adapter.
// Prisma's CLI would download a native engine binary, which cannot be fetched on these
// machines; the Wasm build is the same engine (see ARCHITECTURE.md, "Migrations").
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SchemaEngine } from "@prisma/schema-engine-wasm/schema_engine_bg";
import pg from "pg";

const require = createRequire(import.meta.url);
let wasmReady: Promise<typeof import("@prisma/schema-engine-wasm/schema_engine_bg")> | undefined;

function loadWasm() {
  wasmReady ??= (async () => {
    // The package root imports the .wasm as an ES module, which Node 20 refuses, so the
    // bindings are wired up by hand.
    const bg = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    // The .wasm file is not in the package's exports map; it sits beside the bindings.
    const wasmPath = require
      .resolve(/* turbopackIgnore: true */ "@prisma/schema-engine-wasm/schema_engine_bg")
      .replace(/\.js$/, ".wasm");
    const module = await WebAssembly.compile(await readFile(wasmPath));
    // The engine arms a 10 s timer per operation (a timeout raced against it) and never
    // clears it: each would hold the process open 10 s after its work is done. Unreferenced,
    // they still fire while the engine waits on the database, but no longer block exit.
    const imports: Record<string, unknown> = { ...bg };
    for (const name of Object.keys(imports).filter((k) => k.startsWith("__wbg_setTimeout_"))) {
      imports[name] = (callback: () => void, ms: number) => {
        const timer = setTimeout(callback, ms >>> 0);
        timer.unref();
        return timer;
      };
    }
    const instance = await WebAssembly.instantiate(module, {
      "./schema_engine_bg.js": imports as WebAssembly.ModuleImports,
    });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bg;
  })();
  return wasmReady;
}

const PG_CHAR_OID = 18;
const CHAR_COLUMNS = Symbol("charColumns");
const COLUMN_TYPE_CHARACTER = 6; // ColumnTypeEnum.Character of @prisma/driver-adapter-utils

/**
 * The engine's introspection selects catalog columns of PostgreSQL's internal one-byte
 * "char" type, which @prisma/adapter-pg rejects as an unsupported native type (the native
 * engine has its own driver and never meets this). This client reports such columns under
 * an OID the adapter reads as text, and marks them on the row array, which the adapter
 * hands back unchanged; `withCharColumns` then types them as Character, as the engine expects.
 */
function markCharColumns(res: pg.QueryResult | undefined): void {
  const charColumns: number[] = [];
  res?.fields?.forEach((field, i) => {
    if (field.dataTypeID === PG_CHAR_OID) {
      field.dataTypeID = 2_000_000_000; // a user-type OID, which the adapter reads as text
      charColumns.push(i);
    }
  });
  if (charColumns.length) Object.defineProperty(res!.rows, CHAR_COLUMNS, { value: charColumns });
}

class CharAsTextClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: pg's query() has many overloads; this forwards all of them.
  override query(...args: any[]): any {
    // pg-pool calls query with a callback; direct callers get a promise.
    const last = args.length - 1;
    if (typeof args[last] === "function") {
      const callback = args[last];
      args[last] = (err: Error | null, res: pg.QueryResult) => {
        if (!err) markCharColumns(res);
        callback(err, res);
      };
    }
    // biome-ignore lint/suspicious/noExplicitAny: see above
    const result = (super.query as any)(...args);
    if (!result || typeof result.then !== "function") return result;
    return result.then((res: pg.QueryResult) => {
      markCharColumns(res);
      return res;
    });
  }
}

type QueryResultLike = { columnTypes: number[]; rows: unknown[] & { [CHAR_COLUMNS]?: number[] } };

function withCharColumns<T extends object>(target: T): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver);
      if (typeof value !== "function") return value;
      if (prop === "queryRaw") {
        return async (...args: unknown[]) => {
          const res = (await value.apply(obj, args)) as QueryResultLike;
          for (const i of res.rows[CHAR_COLUMNS] ?? []) res.columnTypes[i] = COLUMN_TYPE_CHARACTER;
          return res;
        };
      }
      if (prop === "connect" || prop === "connectToShadowDb" || prop === "startTransaction") {
        return async (...args: unknown[]) => withCharColumns((await value.apply(obj, args)) as object);
      }
      return value.bind(obj);
    },
  });
}

export async function withSchemaEngine<T>(
  {
    connectionString,
    schemaPath,
    schemaText,
  }: { connectionString: string; schemaPath: string; schemaText: string },
  fn: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const bg = await loadWasm();
  const pool = new pg.Pool({ connectionString, max: 2, Client: CharAsTextClient });
  const adapter = bindMigrationAwareSqlAdapterFactory(withCharColumns(new PrismaPg(pool)));
  const logs: string[] = [];
  const engine = await bg.SchemaEngine.new(
    { datamodels: [[schemaPath, schemaText]] },
    (line: string) => logs.push(line),
    adapter,
  );
  try {
    return await fn(engine);
  } finally {
    engine.free();
    await pool.end();
  }
}
