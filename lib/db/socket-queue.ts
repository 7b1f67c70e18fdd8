// pglite-socket (0.2.17, the latest) serves every connection from PGlite's one session and
// queues the protocol messages of all connections one by one. Outside a transaction it takes
// them in arrival order, so the Parse/Bind/Execute/Sync of two connections' extended queries
// interleave: one connection's Bind meets the other's unnamed statement ("bind message
// supplies 2 parameters, but prepared statement "" requires 1"). This keeps each
// connection's messages together up to its Sync (or simple Query), as a real server's
// separate sessions would, and keeps pglite-socket's own rule that a transaction's
// connection has the session to itself until the transaction ends.

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  timestamp: number;
  resolve: (bytes: number) => void;
  reject: (err: unknown) => void;
  onData: (data: Uint8Array) => void;
}

interface QueryQueueManager {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: {
    isInTransaction(): boolean;
    runExclusive<T>(fn: () => Promise<T>): Promise<T>;
    execProtocolRawStream(
      message: Uint8Array,
      opts: { onRawData: (data: Uint8Array) => void },
    ): Promise<unknown>;
  };
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'

/** Whether a message ends a unit of work: Sync, a simple Query, Terminate, or a startup packet. */
function endsUnit(message: Uint8Array): boolean {
  const type = message[0];
  // A startup or SSL request has no type byte: it starts with its length, whose high byte is 0.
  return type === SYNC || type === QUERY || type === TERMINATE || type === 0;
}

export function keepExtendedQueriesTogether(server: unknown): void {
  const queue = (server as { queryQueue?: QueryQueueManager }).queryQueue;
  if (!queue || typeof queue.processQueue !== "function" || !Array.isArray(queue.queue)) {
    throw new Error("pglite-socket's query queue is not where it was: check keepExtendedQueriesTogether");
  }
  let midUnit: number | null = null; // the connection that has sent part of a unit of work

  queue.processQueue = async function processQueue(this: QueryQueueManager) {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const owner = midUnit ?? (this.db.isInTransaction() ? this.lastHandlerId : null);
        const k = owner === null ? 0 : this.queue.findIndex((m) => m.handlerId === owner);
        if (k < 0) break; // the owner's next message has not arrived yet
        const item = this.queue.splice(k, 1)[0]!;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (err) {
          midUnit = null;
          item.reject(err);
          continue;
        }
        midUnit = endsUnit(item.message) ? null : item.handlerId;
        this.lastHandlerId = item.handlerId;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };

  const clear = queue.clearQueueForHandler.bind(queue);
  queue.clearQueueForHandler = (handlerId: number) => {
    clear(handlerId);
    if (midUnit === handlerId) {
      midUnit = null;
      void queue.processQueue();
    }
  };
}
