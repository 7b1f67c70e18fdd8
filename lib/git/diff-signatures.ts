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

const SPACE = 32;
const COLON = 0x3a;
// Per file entry: how its diff can be read. TEXT: the blobs decide; UNKNOWN: a submodule, a
// type change or anything but M/A/D (the commit's signature is then unknown).
const TEXT = 0;
const UNKNOWN_FILE = 1;

const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX[97 + i] = 10 + i;
  HEX[65 + i] = 10 + i;
}

/**
 * The blob ids of `git log --raw` tokens, numbered as they come (parsed from git's bytes: no
 * string per token or id), and per changed file of each commit an entry: old blob, new blob
 * (-1: none) and kind. readLog fills it; DiffSignatures reads it.
 */
export class RawChanges {
  /** Blob ids as git spells them, each followed by "\n": what `git cat-file --batch` reads. */
  private hex: Buffer = Buffer.allocUnsafe(41 * 4096);
  /** Hex digits per id (40, or 64 in a SHA-256 repository); 0 until the first one. */
  private oidLen = 0;
  private slots = new Int32Array(1 << 13); // 0: empty, else blob number + 1
  private firstWord = new Int32Array(4096);
  /** Blobs numbered so far. */
  blobs = 0;
  /** Per entry: old blob, new blob, kind. */
  entries = new Int32Array(3 * 4096);
  /** Entries so far. */
  size = 0;

  /** The id of blob `b` with its newline, as bytes (valid until the next add). */
  idBytes(b: number): Buffer {
    const stride = this.oidLen + 1;
    return this.hex.subarray(b * stride, (b + 1) * stride);
  }

  /** Copies blob b's id and newline into `to` at `at`; returns the bytes written. */
  copyId(b: number, to: Buffer, at: number): number {
    // A loop: for 41 bytes, cheaper than Buffer#copy's call.
    const stride = this.oidLen + 1;
    const hex = this.hex;
    const from = b * stride;
    for (let i = 0; i < stride; i++) to[at + i] = hex[from + i]!;
    return stride;
  }

  get idLength(): number {
    return this.oidLen;
  }

  /** Whether buf[at, at + idLength) spells blob b's id. */
  isId(b: number, buf: Buffer, at: number): boolean {
    return this.sameId(b, buf, at);
  }

  // Byte by byte: for 40 bytes a loop costs less than a call into Buffer.compare.
  private sameId(b: number, buf: Buffer, at: number): boolean {
    const len = this.oidLen;
    const hex = this.hex;
    const from = b * (len + 1);
    for (let i = 0; i < len; i++) if (hex[from + i] !== buf[at + i]) return false;
    return true;
  }

  /** The number of the blob whose id is buf[at, at + idLength), or -1 when never seen. */
  find(buf: Buffer, at: number): number {
    return this.lookup(buf, at, false);
  }

  /**
   * One raw token, buf[start, end) from its ":" (no NUL): appends an entry. A token it cannot
   * read is an UNKNOWN entry (that commit's signature is unknown, never wrong).
   */
  add(buf: Buffer, start: number, end: number): void {
    if (this.size * 3 + 3 > this.entries.length) {
      const grown = new Int32Array(this.entries.length * 2);
      grown.set(this.entries);
      this.entries = grown;
    }
    const e = this.size++ * 3;
    const entries = this.entries;
    entries[e] = -1;
    entries[e + 1] = -1;
    entries[e + 2] = UNKNOWN_FILE;
    // ":100644 100644 <old> <new> M": modes are 6 digits; ids 40 or 64 hex digits.
    if (buf[start] !== COLON || buf[start + 7] !== SPACE || buf[start + 14] !== SPACE) return;
    let len = this.oidLen;
    if (len === 0) {
      let p = start + 15;
      while (p < end && buf[p] !== SPACE) p++;
      len = p - start - 15;
      if (len !== 40 && len !== 64) return;
      this.oidLen = len;
      this.hex = Buffer.allocUnsafe((len + 1) * 4096);
    }
    const oldAt = start + 15;
    const newAt = oldAt + len + 1;
    const statusAt = newAt + len + 1;
    if (buf[newAt - 1] !== SPACE || buf[statusAt - 1] !== SPACE || statusAt >= end) return;
    const status = buf[statusAt];
    // A submodule (mode 160000) is no text diff.
    if (
      (buf[start + 1] === 0x31 && buf[start + 2] === 0x36) ||
      (buf[start + 8] === 0x31 && buf[start + 9] === 0x36)
    )
      return;
    if (status === 0x4d /* M */) {
      entries[e] = this.lookup(buf, oldAt, true);
      entries[e + 1] = this.lookup(buf, newAt, true);
    } else if (status === 0x41 /* A */) {
      entries[e + 1] = this.lookup(buf, newAt, true);
    } else if (status === 0x44 /* D */) {
      entries[e] = this.lookup(buf, oldAt, true);
    } else return;
    if (entries[e] === -2 || entries[e + 1] === -2) {
      entries[e] = entries[e + 1] = -1;
      return; // not hex
    }
    entries[e + 2] = TEXT;
  }

  /** Blob number of the id at buf[at]; inserts it when `insert`. -2: not hex (its first 8 digits). */
  private lookup(buf: Buffer, at: number, insert: boolean): number {
    const len = this.oidLen;
    if (len === 0) return -1;
    let w = 0;
    for (let i = 0; i < 8; i++) {
      const d = HEX[buf[at + i]!]!;
      if (d < 0) return -2;
      w = (w << 4) | d;
    }
    const slots = this.slots;
    const mask = slots.length - 1;
    const stride = len + 1;
    for (let h = w & mask; ; h = (h + 1) & mask) {
      const v = slots[h]!;
      if (v === 0) {
        if (!insert) return -1;
        const b = this.blobs++;
        if ((b + 1) * stride > this.hex.length) {
          const grown = Buffer.allocUnsafe(this.hex.length * 2);
          this.hex.copy(grown, 0, 0, b * stride);
          this.hex = grown;
        }
        const hex = this.hex;
        const to = b * stride;
        for (let i = 0; i < len; i++) hex[to + i] = buf[at + i]!;
        hex[to + len] = 10;
        if (b >= this.firstWord.length) {
          const grown = new Int32Array(this.firstWord.length * 2);
          grown.set(this.firstWord);
          this.firstWord = grown;
        }
        this.firstWord[b] = w;
        slots[h] = b + 1;
        if (this.blobs * 2 > slots.length) this.rehash();
        return b;
      }
      const b = v - 1;
      if (this.firstWord[b] === w && this.sameId(b, buf, at)) return b;
    }
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let b = 0; b < this.blobs; b++) {
      let h = this.firstWord[b]! & mask;
      while (slots[h] !== 0) h = (h + 1) & mask;
      slots[h] = b + 1;
    }
    this.slots = slots;
  }
}

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

// A blob's state: 0 pending (not answered yet), KNOWN, UNKNOWN.
const KNOWN = 1;
const UNKNOWN = 2;

/** What `BlobReader` learns of each blob, by blob number (grown as RawChanges numbers more). */
class BlobStates {
  s1 = new Uint32Array(4096);
  s2 = new Uint32Array(4096);
  state = new Uint8Array(4096); // 0 pending, KNOWN, UNKNOWN
  asked = new Uint8Array(4096);

  ensure(n: number): void {
    if (n <= this.state.length) return;
    let size = this.state.length;
    while (size < n) size *= 2;
    const grow = <T extends Uint32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const out = make(size);
      out.set(a);
      return out;
    };
    this.s1 = grow(this.s1, (k) => new Uint32Array(k));
    this.s2 = grow(this.s2, (k) => new Uint32Array(k));
    this.state = grow(this.state, (k) => new Uint8Array(k));
    this.asked = grow(this.asked, (k) => new Uint8Array(k));
  }
}

const ASCII_BLOB = Buffer.from("blob");

/**
 * One `git cat-file --batch` that hashes the blobs asked for, in the order asked. Blobs can
 * be asked for while it runs, so the import can feed it as git log streams. Ids go in and
 * answers come out as bytes: no string per blob.
 */
class BlobReader {
  private readonly child;
  private readonly exit: Promise<number | null>;
  private readonly done: Promise<void>;
  private stderr = "";
  private batch: Buffer;
  private batchAt = 0;
  private readonly fd: number;
  /** Blob numbers asked, in order: git answers in that order. */
  private readonly queue: number[] = [];

  constructor(
    clonePath: string,
    private readonly raw: RawChanges,
    private readonly states: BlobStates,
    private readonly bigFileThreshold: () => number,
  ) {
    this.batch = Buffer.allocUnsafe(512 * (raw.idLength + 1));
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

  ask(b: number): void {
    this.queue.push(b);
    this.batchAt += this.raw.copyId(b, this.batch, this.batchAt);
    if (this.batchAt + this.raw.idLength + 1 > this.batch.length) this.flush();
  }

  private flush(): void {
    if (this.batchAt === 0) return;
    this.child.stdin!.write(this.batch.subarray(0, this.batchAt));
    this.batch = Buffer.allocUnsafe(this.batch.length);
    this.batchAt = 0;
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

  /** Records blob `b`'s sums (or that they are unknown). */
  private answer(b: number, s1: number, s2: number, unknown: boolean): void {
    const st = this.states;
    st.s1[b] = s1;
    st.s2[b] = s2;
    st.state[b] = unknown ? UNKNOWN : KNOWN;
  }

  private async parse(stream: AsyncIterable<Buffer>): Promise<void> {
    const hasher = new BlobHasher();
    const raw = this.raw;
    const queue = this.queue;
    const idLen = raw.idLength;
    let head = 0;
    let header: Buffer | null = null; // a header line split across chunks
    let blob = -1;
    let special = false; // not a blob, or bigger than core.bigFileThreshold
    let remaining = -1; // bytes of the current blob still to come; -1: expecting a header
    let skipNewline = false; // the newline git writes after each blob's content
    const bad = (line: Buffer, at: number, end: number) =>
      new AppError(
        "GIT_FAILED",
        `unexpected line in git cat-file output: ${JSON.stringify(line.toString("latin1", at, Math.min(end, at + 60)))}`,
      );
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
            header = header ? Buffer.concat([header, chunk.subarray(pos)]) : Buffer.from(chunk.subarray(pos));
            break;
          }
          let line = chunk;
          let at = pos;
          let end = nl;
          if (header) {
            line = Buffer.concat([header, chunk.subarray(pos, nl)]);
            at = 0;
            end = line.length;
            header = null;
          }
          pos = nl + 1;
          // "<id> blob <size>", "<id> missing"; git answers in the order asked.
          let b = queue[head];
          if (b !== undefined && raw.isId(b, line, at)) head++;
          else {
            b = raw.find(line, at);
            if (b < 0) throw bad(line, at, end);
          }
          if (line[at + idLen] !== SPACE) throw bad(line, at, end);
          const typeAt = at + idLen + 1;
          let sp = typeAt;
          while (sp < end && line[sp] !== SPACE) sp++;
          if (sp >= end) {
            // "missing", "ambiguous": the commit's signature is unknown.
            this.answer(b, 0, 0, true);
            continue;
          }
          let size = 0;
          for (let i = sp + 1; i < end; i++) {
            const d = line[i]! - 48;
            if (d < 0 || d > 9) throw bad(line, at, end);
            size = size * 10 + d;
          }
          if (sp + 1 >= end) throw bad(line, at, end);
          blob = b;
          remaining = size;
          // A blob over the threshold is binary to git's diff, whatever it holds.
          special =
            sp - typeAt !== 4 ||
            line.compare(ASCII_BLOB, 0, 4, typeAt, sp) !== 0 ||
            remaining > this.bigFileThreshold();
          hasher.reset();
          if (remaining === 0) {
            this.answer(blob, 0, 0, special);
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
          this.answer(blob, hasher.sum1, hasher.sum2, hasher.binary || special);
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
  /** Where readLog records each commit's raw tokens (pass it to readLog). */
  readonly raw = new RawChanges();
  private readonly states = new BlobStates();
  /** Per commit number: its first entry in raw, and its entry count (-1: signature unknown). */
  private commitStart = new Int32Array(1024);
  private commitCount = new Int32Array(1024).fill(-2); // -2: not added
  /** Per raw entry: hash of its path. */
  private entryPath = new Int32Array(4096);
  private readonly added: number[] = [];
  private readonly pathHashes = new Map<string, number>();
  private readonly settings: Promise<{ suppressBlankEmpty: boolean; bigFileThreshold: number }>;
  private threshold = 512 * 1024 * 1024;
  private reader: BlobReader | null = null;
  private bytes = 0;
  private complete = true;
  private sinceCheck = 0;
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

  private newReader(): BlobReader {
    return new BlobReader(this.clonePath, this.raw, this.states, () => this.threshold);
  }

  private ensureCommit(x: number): void {
    if (x < this.commitCount.length) return;
    let size = this.commitCount.length;
    while (size <= x) size *= 2;
    const start = new Int32Array(size);
    start.set(this.commitStart);
    const count = new Int32Array(size).fill(-2);
    count.set(this.commitCount);
    this.commitStart = start;
    this.commitCount = count;
  }

  private pathHash(p: string): number {
    let h = this.pathHashes.get(p);
    if (h === undefined) {
      h = stringHash(p, 0x811c9dc5);
      this.pathHashes.set(p, h);
    }
    return h;
  }

  /** Asks `reader` for the blobs of commit x not asked yet. */
  private request(x: number, reader: BlobReader): void {
    const start = this.commitStart[x]!;
    const n = this.commitCount[x]!;
    const entries = this.raw.entries;
    const asked = this.states.asked;
    for (let e = start; e < start + n; e++) {
      for (let k = 0; k < 2; k++) {
        const b = entries[e * 3 + k]!;
        if (b < 0 || asked[b]) continue;
        asked[b] = 1;
        reader.ask(b);
      }
    }
  }

  /**
   * A non-merge commit's changed paths, and where readLog put its raw tokens in `raw` (one
   * per path, from `rawStart`; -1: not recorded, the signature is unknown).
   */
  add(x: number, paths: readonly string[], rawStart: number): void {
    this.ensureCommit(x);
    if (this.commitCount[x] === -2) this.added.push(x);
    const n = paths.length;
    const raw = this.raw;
    if (rawStart < 0 || rawStart + n > raw.size) {
      this.commitCount[x] = -1;
      return;
    }
    if (raw.size > this.entryPath.length) {
      let size = this.entryPath.length;
      while (size < raw.size) size *= 2;
      const grown = new Int32Array(size);
      grown.set(this.entryPath);
      this.entryPath = grown;
    }
    const entries = raw.entries;
    for (let i = 0; i < n; i++) {
      if (entries[(rawStart + i) * 3 + 2] !== TEXT) {
        this.commitCount[x] = -1;
        return;
      }
      this.entryPath[rawStart + i] = this.pathHash(paths[i]!);
    }
    this.commitStart[x] = rawStart;
    this.commitCount[x] = n;
    this.states.ensure(raw.blobs);
    if (!this.complete) return;
    // How much git has written, looked at now and then (a stat). Every few MB the reader is
    // let finish and its file hashed while git log still streams; the next one goes on.
    if (++this.sinceCheck % 1024 === 0 && this.reader) {
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
    this.request(x, this.reader);
  }

  /** Whether every commit added so far had its blobs read ahead (none past the budget). */
  get readAhead(): boolean {
    return this.complete;
  }

  /** The commits added, in the order added. */
  commits(): number[] {
    return this.added;
  }

  /** Whether add() was told about the commit. */
  has(x: number): boolean {
    return x < this.commitCount.length && this.commitCount[x] !== -2;
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
    this.states.ensure(this.raw.blobs);
    const asked = this.states.asked;
    const entries = this.raw.entries;
    for (const x of xs) {
      if (!this.has(x) || this.commitCount[x]! < 0) continue;
      const start = this.commitStart[x]!;
      for (let e = start; e < start + this.commitCount[x]!; e++) {
        for (let k = 0; k < 2; k++) {
          const b = entries[e * 3 + k]!;
          if (b < 0 || asked[b]) continue;
          late ??= this.newReader();
          asked[b] = 1;
          late.ask(b);
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
    const [special] = await Promise.all([
      pathsWithDiffAttribute(this.clonePath, [...this.pathHashes.keys()]),
      ahead?.finish(),
      late?.finish(),
      ...this.finished,
    ]);
    // diff.suppressBlankEmpty changes how patch-id reads hunks: no shortcut then.
    if (settings.suppressBlankEmpty) return sigs;
    tm("all read");
    // A path with a diff attribute makes the signature unknown (by hash: a collision only
    // makes one more signature unknown, never a wrong one).
    const specialHashes = new Set<number>();
    for (const p of special) specialHashes.add(this.pathHash(p));
    const { s1, s2, state } = this.states;
    for (let k = 0; k < xs.length; k++) {
      const x = xs[k]!;
      if (!this.has(x) || this.commitCount[x]! < 0) continue;
      const start = this.commitStart[x]!;
      const end = start + this.commitCount[x]!;
      let hi = 0;
      let lo = 0;
      let known = true;
      for (let e = start; e < end; e++) {
        const p = this.entryPath[e]!;
        if (specialHashes.size && specialHashes.has(p)) {
          known = false;
          break;
        }
        const o = entries[e * 3]!;
        const n = entries[e * 3 + 1]!;
        if ((o >= 0 && state[o] !== KNOWN) || (n >= 0 && state[n] !== KNOWN)) {
          known = false;
          break;
        }
        const d1 = ((n >= 0 ? s1[n]! : 0) - (o >= 0 ? s1[o]! : 0)) >>> 0;
        const d2 = ((n >= 0 ? s2[n]! : 0) - (o >= 0 ? s2[o]! : 0)) >>> 0;
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
    const start = reader.raw.size;
    for (const token of c.raws) {
      const buf = Buffer.from(token, "latin1");
      reader.raw.add(buf, 0, buf.length);
    }
    reader.add(i, c.paths, c.paths.length === c.raws.length ? start : -1);
  });
  return reader.signaturesOf(commits.map((_, i) => i));
}
