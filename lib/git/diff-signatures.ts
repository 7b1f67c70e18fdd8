import { randomBytes } from "node:crypto";
import { closeSync, createReadStream, fstatSync, openSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { AppError } from "../errors";
import { gitSpawn } from "./run-git";

/**
 * A cheap necessary condition for two commits having the same `git patch-id --stable`,
 * computed from blob contents alone (no diff): `git cat-file --batch` costs a small part of
 * what `git diff-tree -p` does for the same commits.
 *
 * Why it is necessary: for a text file, whatever lines a diff matches, each line x of the
 * new blob is either matched or a `+` line, and likewise for the old blob and `-` lines, so
 * count_new(x) − count_old(x) = plus(x) − minus(x). patch-id hashes every `+` and `-` line of
 * each file, whitespace removed, so equal patch-ids mean equal +/- lines per file and so an
 * equal difference of line multisets per file. Lines are compared with whitespace removed
 * (more than git removes: never fewer matches than git finds) and hashed additively, so a
 * blob's hash is computed once, and a file's is hash(new) − hash(old). Equal signatures do
 * not prove equal patch-ids (that is still git's job); unequal ones prove them different.
 *
 * A file git may diff as binary (a NUL byte, a blob over core.bigFileThreshold, a `diff`
 * attribute), a submodule, a type change or a blob the clone lacks makes the commit's
 * signature unknown: it then matches anything with its path set.
 */
export interface ChangedFiles {
  paths: readonly string[];
  /** git log --raw tokens, ":oldmode newmode oldblob newblob status", one per path. */
  raws: readonly string[];
}

/** The signature of a commit's change, or NaN when unknown. */
export type DiffSignature = number;

function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function stringHash(s: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return mix32(h);
}

/** Streams one blob's bytes into two additive sums of per-line hashes. */
class BlobHasher {
  sum1 = 0;
  sum2 = 0;
  private h = 0x811c9dc5;
  private lineBytes = 0;
  binary = false;
  private seen = 0;

  reset(): void {
    this.sum1 = 0;
    this.sum2 = 0;
    this.h = 0x811c9dc5;
    this.lineBytes = 0;
    this.binary = false;
    this.seen = 0;
  }

  private endLine(): void {
    const h = this.h >>> 0;
    this.sum1 = (this.sum1 + mix32(h)) >>> 0;
    this.sum2 = (this.sum2 + mix32(h ^ 0x9e3779b9)) >>> 0;
    this.h = 0x811c9dc5;
    this.lineBytes = 0;
  }

  update(buf: Buffer, from: number, to: number): void {
    let h = this.h;
    let lineBytes = this.lineBytes;
    for (let i = from; i < to; i++) {
      const c = buf[i]!;
      if (c === 10) {
        this.h = h;
        this.endLine();
        h = this.h;
        lineBytes = 0;
        continue;
      }
      lineBytes++;
      // Whitespace as patch-id removes it (and \v, \f besides).
      if (c === 32 || (c >= 9 && c <= 13)) continue;
      if (c === 0) this.binary = true;
      h = Math.imul(h ^ c, 0x01000193);
    }
    this.h = h;
    this.lineBytes = lineBytes;
    this.seen += to - from;
  }

  /** A last line without a newline is a line too. */
  finish(): void {
    if (this.lineBytes > 0) this.endLine();
  }
}

interface BlobSums {
  s1: number;
  s2: number;
  /** Binary, too big, missing: the file's diff is not a plain text diff. */
  unknown: boolean;
}

const UNKNOWN_BLOB: BlobSums = { s1: 0, s2: 0, unknown: true };
const NO_BLOB: BlobSums = { s1: 0, s2: 0, unknown: false };

/** One commit's files: path hash, old and new blob numbers (-1 for none). */
interface CommitFiles {
  pathHashes: number[];
  paths: string[];
  olds: number[];
  news: number[];
}

const PENDING = 0;
const KNOWN = 1;
const UNKNOWN = 2;

/**
 * One `git cat-file --batch` that hashes the blobs asked for, in the order asked. Blobs can
 * be asked for while it runs, so the import can feed it as git log streams.
 */
class BlobReader {
  private readonly child;
  private readonly exit: Promise<number | null>;
  private readonly done: Promise<void>;
  private stderr = "";
  private batch: string[] = [];
  private readonly fd: number;

  constructor(
    clonePath: string,
    /** Called in the order blobs were asked for, which is the order git answers. */
    private readonly out: (oid: string, sums: BlobSums) => void,
    private readonly bigFileThreshold: () => number,
  ) {
    // git writes each blob with a write() of its own, whatever --buffer says: into a pipe
    // that is a wake-up and a read on our side per blob (and twice git's system time), so
    // git writes into a file, read once git is done. The file is unlinked at once: nothing
    // is left behind, however this process ends.
    const file = path.join(os.tmpdir(), `lineage-blobs-${process.pid}-${randomBytes(6).toString("hex")}`);
    this.fd = openSync(file, "wx+", 0o600);
    try {
      this.child = gitSpawn(clonePath, ["cat-file", "--batch", "--buffer"], {
        stdio: ["pipe", this.fd, "pipe"],
      });
    } catch (err) {
      closeSync(this.fd);
      throw err;
    } finally {
      rmSync(file, { force: true });
    }
    this.child.stderr!.on("data", (d: Buffer) => {
      this.stderr += d.toString();
    });
    this.exit = new Promise<number | null>((resolve, reject) => {
      this.child.once("error", reject);
      this.child.once("close", resolve);
    });
    this.exit.catch(() => {});
    this.child.stdin!.on("error", () => {}); // the exit status says why
    this.done = this.read(clonePath);
    this.done.catch(() => {});
  }

  ask(oid: string): void {
    this.batch.push(oid);
    if (this.batch.length >= 512) this.flush();
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    this.child.stdin!.write(`${this.batch.join("\n")}\n`);
    this.batch = [];
  }

  async finish(): Promise<void> {
    this.flush();
    this.child.stdin!.end();
    await this.done;
  }

  kill(): void {
    this.child.kill();
  }

  /** Bytes git has written so far. */
  written(): number {
    try {
      return fstatSync(this.fd).size;
    } catch {
      return 0;
    }
  }

  private async read(clonePath: string): Promise<void> {
    let closed = false;
    try {
      const code = await this.exit;
      if (code !== 0) {
        const reason = this.stderr.trim().split("\n").pop() || `exit code ${code}`;
        throw new AppError("GIT_FAILED", `git cat-file failed in ${clonePath}: ${reason}`);
      }
      // Positional reads from 0 (git's writes moved the shared offset); the stream closes the fd.
      closed = true;
      await this.parse(
        createReadStream("", { fd: this.fd, start: 0, highWaterMark: 1 << 20, autoClose: true }),
      );
    } finally {
      if (!closed) closeSync(this.fd);
    }
  }

  private async parse(stream: AsyncIterable<Buffer>): Promise<void> {
    const hasher = new BlobHasher();
    const out = this.out;
    let header = ""; // a header line split across chunks
    let oid = "";
    let special = false; // not a blob, or bigger than core.bigFileThreshold
    let remaining = -1; // bytes of the current blob still to come; -1: expecting a header
    let skipNewline = false; // the newline git writes after each blob's content
    for await (const chunk of stream) {
      let pos = 0;
      while (pos < chunk.length) {
        if (skipNewline) {
          skipNewline = false;
          pos++;
          continue;
        }
        if (remaining < 0) {
          const nl = chunk.indexOf(10, pos);
          if (nl < 0) {
            header += chunk.toString("latin1", pos);
            break;
          }
          const line = header + chunk.toString("latin1", pos, nl);
          header = "";
          pos = nl + 1;
          const [id, type, size] = line.split(" ");
          if (type === "missing" || type === "ambiguous") {
            out(id!, UNKNOWN_BLOB);
            continue;
          }
          if (!id || !size || !/^\d+$/.test(size)) {
            throw new AppError(
              "GIT_FAILED",
              `unexpected line in git cat-file output: ${JSON.stringify(line.slice(0, 60))}`,
            );
          }
          oid = id;
          remaining = Number(size);
          // A blob over the threshold is binary to git's diff, whatever it holds.
          special = type !== "blob" || remaining > this.bigFileThreshold();
          hasher.reset();
          if (remaining === 0) {
            out(oid, special ? UNKNOWN_BLOB : NO_BLOB);
            remaining = -1;
            skipNewline = true;
          }
          continue;
        }
        const end = Math.min(chunk.length, pos + remaining);
        if (!special) hasher.update(chunk, pos, end);
        remaining -= end - pos;
        pos = end;
        if (remaining === 0) {
          hasher.finish();
          // git's binary test reads the first 8,000 bytes; any NUL is stricter.
          out(
            oid,
            hasher.binary || special ? UNKNOWN_BLOB : { s1: hasher.sum1, s2: hasher.sum2, unknown: false },
          );
          remaining = -1;
          skipNewline = true;
        }
      }
    }
  }
}

async function gitOutput(
  clonePath: string,
  args: string[],
  input?: string,
): Promise<{ code: number | null; stdout: Buffer }> {
  const child = gitSpawn(clonePath, args);
  const exit = new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  child.stdin!.on("error", () => {});
  child.stdin!.end(input ?? "");
  child.stderr!.resume();
  const chunks: Buffer[] = [];
  for await (const chunk of child.stdout! as AsyncIterable<Buffer>) chunks.push(chunk);
  return { code: await exit, stdout: Buffer.concat(chunks) };
}

/** Paths whose `diff` attribute is set in any way (binary, -diff, a driver): no text diff assumed. */
async function pathsWithDiffAttribute(clonePath: string, paths: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  if (paths.length === 0) return out;
  const { code, stdout } = await gitOutput(
    clonePath,
    ["check-attr", "-z", "--stdin", "diff"],
    `${paths.join("\0")}\0`,
  );
  if (code !== 0) {
    // Attributes unreadable: assume any path may be special.
    for (const p of paths) out.add(p);
    return out;
  }
  const fields = stdout.toString("utf8").split("\0");
  for (let i = 0; i + 2 < fields.length; i += 3) {
    if (fields[i + 2] !== "unspecified") out.add(fields[i]!);
  }
  return out;
}

/** The two settings that matter here, from one `git config` (unset: git's defaults). */
async function readSettings(
  clonePath: string,
): Promise<{ suppressBlankEmpty: boolean; bigFileThreshold: number }> {
  const { stdout } = await gitOutput(clonePath, [
    "config",
    "-z",
    "--get-regexp",
    "^(diff\\.suppressblankempty|core\\.bigfilethreshold)$",
  ]);
  let suppressBlankEmpty = false;
  let bigFileThreshold = 512 * 1024 * 1024;
  for (const entry of stdout.toString("utf8").split("\0")) {
    if (!entry) continue;
    const nl = entry.indexOf("\n");
    const key = (nl < 0 ? entry : entry.slice(0, nl)).toLowerCase();
    const value =
      nl < 0
        ? ""
        : entry
            .slice(nl + 1)
            .trim()
            .toLowerCase();
    if (key === "diff.suppressblankempty") {
      // Anything but a clear "false" disables the signatures (the safe side).
      suppressBlankEmpty = !["false", "no", "off", "0"].includes(value);
    } else if (key === "core.bigfilethreshold") {
      const m = /^(\d+)([kmg]?)$/.exec(value);
      const scale = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m?.[2] ?? ""] ?? 1;
      bigFileThreshold = m ? Math.min(bigFileThreshold, Number(m[1]) * scale) : 0;
    }
  }
  return { suppressBlankEmpty, bigFileThreshold };
}

/**
 * Diff signatures of commits (NaN: unknown). Commits with equal patch-ids have equal
 * signatures, or one of them is unknown. `add` may be called as git log streams: blobs are
 * read at once, up to a byte budget (beyond it, `signaturesOf` reads them on demand).
 */
export class DiffSignatures {
  private readonly files = new Map<number, CommitFiles | null>();
  // Blobs by number: id -> number, their sums and state (PENDING, KNOWN, UNKNOWN).
  private readonly blobIndex = new Map<string, number>();
  private readonly blobOids: string[] = [];
  private readonly blobS1: number[] = [];
  private readonly blobS2: number[] = [];
  private readonly blobState: number[] = [];
  private readonly asked: boolean[] = [];
  private readonly pathHashes = new Map<string, number>();
  private readonly settings: Promise<{ suppressBlankEmpty: boolean; bigFileThreshold: number }>;
  private threshold = 512 * 1024 * 1024;
  private reader: BlobReader | null = null;
  /** Blob numbers asked of the newest reader, in order. */
  private queue: number[] = [];
  private bytes = 0;
  private complete = true;
  private added = 0;
  /** Readers let finish early, being hashed. */
  private readonly finished: Promise<void>[] = [];

  constructor(
    private readonly clonePath: string,
    /** Blob bytes read ahead, before anyone asks for a signature. */
    private readonly budget = 64 * 1024 * 1024,
  ) {
    this.settings = readSettings(clonePath);
    this.settings.then(
      (s) => {
        this.threshold = s.bigFileThreshold;
      },
      () => {},
    );
  }

  private parse(paths: readonly string[], raws: readonly string[]): CommitFiles | null {
    if (paths.length !== raws.length) return null;
    const out: CommitFiles = { pathHashes: [], paths: [], olds: [], news: [] };
    for (let i = 0; i < raws.length; i++) {
      // ":100644 100644 <old> <new> M"
      const raw = raws[i]!;
      const s1 = raw.indexOf(" ");
      const s2 = raw.indexOf(" ", s1 + 1);
      const s3 = raw.indexOf(" ", s2 + 1);
      const s4 = raw.indexOf(" ", s3 + 1);
      if (s1 < 0 || s2 < 0 || s3 < 0 || s4 < 0) return null;
      const status = raw.slice(s4 + 1);
      if (!(status === "M" || status === "A" || status === "D")) return null;
      if (raw.startsWith("160000", 1) || raw.startsWith("160000", s1 + 1)) return null; // a submodule
      const old = raw.slice(s2 + 1, s3);
      const neu = raw.slice(s3 + 1, s4);
      const path = paths[i]!;
      let h = this.pathHashes.get(path);
      if (h === undefined) {
        h = stringHash(path, 0x811c9dc5);
        this.pathHashes.set(path, h);
      }
      out.pathHashes.push(h);
      out.paths.push(path);
      out.olds.push(status === "A" ? -1 : this.blob(old));
      out.news.push(status === "D" ? -1 : this.blob(neu));
    }
    return out;
  }

  private blob(oid: string): number {
    let id = this.blobIndex.get(oid);
    if (id === undefined) {
      id = this.blobOids.length;
      this.blobIndex.set(oid, id);
      this.blobOids.push(oid);
      this.blobS1.push(0);
      this.blobS2.push(0);
      this.blobState.push(PENDING);
      this.asked.push(false);
    }
    return id;
  }

  private request(f: CommitFiles, reader: BlobReader): void {
    for (const list of [f.olds, f.news]) {
      for (const b of list) {
        if (b < 0 || this.asked[b]) continue;
        this.asked[b] = true;
        this.queue.push(b);
        reader.ask(this.blobOids[b]!);
      }
    }
  }

  private newReader(): BlobReader {
    const queue: number[] = [];
    let head = 0;
    this.queue = queue;
    return new BlobReader(
      this.clonePath,
      (oid, sums) => {
        // git answers in the order asked: the next blob asked for, unless git says otherwise.
        let b = queue[head];
        if (b === undefined || this.blobOids[b] !== oid) b = this.blobIndex.get(oid);
        else head++;
        if (b === undefined) return;
        this.blobS1[b] = sums.s1;
        this.blobS2[b] = sums.s2;
        this.blobState[b] = sums.unknown ? UNKNOWN : KNOWN;
      },
      () => this.threshold,
    );
  }

  /** A non-merge commit's changed paths and git log's raw tokens for them. */
  add(x: number, paths: readonly string[], raws: readonly string[]): void {
    const f = this.parse(paths, raws);
    this.files.set(x, f);
    if (!f) return;
    if (!this.complete) return;
    // How much git has written, looked at now and then (a stat). Every few MB the reader is
    // let finish and its file hashed while git log still streams; the next one goes on.
    if (++this.added % 1024 === 0 && this.reader) {
      const written = this.reader.written();
      if (written > 4 * 1024 * 1024) {
        this.bytes += written;
        const done = this.reader.finish();
        done.catch(() => {}); // awaited in signaturesOf
        this.finished.push(done);
        this.reader = null;
      }
    }
    if (this.bytes > this.budget) {
      this.complete = false;
      return;
    }
    this.reader ??= this.newReader();
    this.request(f, this.reader);
  }

  /** Whether every commit added so far had its blobs read ahead (none past the budget). */
  get readAhead(): boolean {
    return this.complete;
  }

  /** The commits added, in the order added. */
  commits(): number[] {
    return [...this.files.keys()];
  }

  /** Whether add() was told about the commit. */
  has(x: number): boolean {
    return this.files.has(x);
  }

  /** Stops reading ahead (an import that failed). */
  abort(): void {
    this.reader?.kill();
    this.reader = null;
  }

  /** Signatures of the given commits (added before), reading the blobs still needed. */
  async signaturesOf(xs: readonly number[]): Promise<Float64Array> {
    const sigs = new Float64Array(xs.length).fill(Number.NaN);
    const settings = await this.settings;
    const ahead = this.reader;
    this.reader = null;
    let late: BlobReader | null = null;
    const paths = new Set<string>();
    for (const x of xs) {
      const f = this.files.get(x);
      if (!f) continue;
      for (const p of f.paths) paths.add(p);
      for (const list of [f.olds, f.news]) {
        for (const b of list) {
          if (b < 0 || this.asked[b]) continue;
          late ??= this.newReader();
          this.asked[b] = true;
          this.queue.push(b);
          late.ask(this.blobOids[b]!);
        }
      }
    }
    const t0 = performance.now();
    const tm = (w: string) => {
      if (process.env.LINEAGE_IMPORT_TIMING)
        process.stderr.write(
          `    signatures ${w}: ${((performance.now() - t0) / 1000).toFixed(3)} s (${(this.bytes / 1e6).toFixed(1)} MB)\n`,
        );
    };
    ahead?.finish().then(() => tm("read-ahead done"));
    late?.finish().then(() => tm("late done"));
    pathsWithDiffAttribute(this.clonePath, [...paths]).then(() => tm("attrs done"));
    const [special] = await Promise.all([
      pathsWithDiffAttribute(this.clonePath, [...paths]),
      ahead?.finish(),
      late?.finish(),
      ...this.finished,
    ]);
    // diff.suppressBlankEmpty changes how patch-id reads hunks: no shortcut then.
    if (settings.suppressBlankEmpty) return sigs;
    tm("all read");
    for (let k = 0; k < xs.length; k++) {
      const f = this.files.get(xs[k]!);
      if (!f) continue;
      let hi = 0;
      let lo = 0;
      let known = true;
      for (let i = 0; i < f.paths.length; i++) {
        if (special.has(f.paths[i]!)) {
          known = false;
          break;
        }
        const o = f.olds[i]!;
        const n = f.news[i]!;
        if ((o >= 0 && this.blobState[o] !== KNOWN) || (n >= 0 && this.blobState[n] !== KNOWN)) {
          known = false;
          break;
        }
        const d1 = ((n >= 0 ? this.blobS1[n]! : 0) - (o >= 0 ? this.blobS1[o]! : 0)) >>> 0;
        const d2 = ((n >= 0 ? this.blobS2[n]! : 0) - (o >= 0 ? this.blobS2[o]! : 0)) >>> 0;
        const p = f.pathHashes[i]!;
        hi = (hi + mix32(p ^ d1)) >>> 0;
        lo = (lo + mix32(Math.imul(p, 31) ^ d2 ^ 0x27d4eb2f)) >>> 0;
      }
      if (known) sigs[k] = hi * 0x200000 + (lo & 0x1fffff);
    }
    tm("computed");
    return sigs;
  }
}

/** Signatures of the given commits' changes, read at once (NaN: unknown). */
export async function readDiffSignatures(
  clonePath: string,
  commits: readonly ChangedFiles[],
): Promise<Float64Array> {
  const reader = new DiffSignatures(clonePath, 0);
  commits.forEach((c, i) => {
    reader.add(i, c.paths, c.raws);
  });
  return reader.signaturesOf(commits.map((_, i) => i));
}
