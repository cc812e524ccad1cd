// The durable queue of transaction-related messages (E04, E13): a JSON-lines journal in the data dir.
// Every enqueue and every acknowledgement is one appended line, fsync'd before the call returns, so a
// crash loses nothing that was accepted and replays nothing that the CSMS confirmed. A torn final line
// (crash mid-write) is ignored on load. The file is compacted whenever the queue drains.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync, ftruncateSync } from 'node:fs';
import { dirname } from 'node:path';

export interface QueuedMessage {
  id: number;
  action: string;
  payload: Record<string, unknown>;
  /** Failed transmissions so far (not persisted: a restart gets fresh attempts). */
  attempts: number;
}

type Line = { op: 'add'; id: number; action: string; payload: Record<string, unknown> } | { op: 'ack'; id: number };

export class DurableQueue {
  private readonly items: QueuedMessage[] = [];
  private nextId = 1;
  private fd: number | undefined;

  /** `path` undefined keeps the queue in memory only (swarm stations). */
  constructor(readonly path?: string) {
    if (!path) return;
    mkdirSync(dirname(path), { recursive: true });
    if (existsSync(path)) this.replay(readFileSync(path, 'utf8'));
    this.rewrite();
  }

  private replay(text: string): void {
    const pending = new Map<number, QueuedMessage>();
    for (const raw of text.split('\n')) {
      if (!raw.trim()) continue;
      let line: Line;
      try { line = JSON.parse(raw) as Line; } catch { continue; } // torn write at crash time
      if (line.op === 'add') pending.set(line.id, { id: line.id, action: line.action, payload: line.payload, attempts: 0 });
      else pending.delete(line.id);
      this.nextId = Math.max(this.nextId, line.id + 1);
    }
    this.items.push(...[...pending.values()].sort((a, b) => a.id - b.id));
  }

  /** Rewrite the journal with only the pending entries (temp file + fsync + rename). */
  private rewrite(): void {
    if (!this.path) return;
    if (this.fd !== undefined) closeSync(this.fd);
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    const body = this.items.map((m) => JSON.stringify({ op: 'add', id: m.id, action: m.action, payload: m.payload })).join('\n');
    if (body) writeSync(fd, body + '\n');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.path);
    this.fd = openSync(this.path, 'a', 0o600);
  }

  private append(line: Line): void {
    if (this.fd === undefined) return;
    writeSync(this.fd, JSON.stringify(line) + '\n');
    fsyncSync(this.fd);
  }

  push(action: string, payload: Record<string, unknown>): QueuedMessage {
    const m: QueuedMessage = { id: this.nextId++, action, payload, attempts: 0 };
    this.append({ op: 'add', id: m.id, action, payload });
    this.items.push(m);
    return m;
  }

  peek(): QueuedMessage | undefined { return this.items[0]; }

  /** Remove a delivered (or finally discarded, E13.FR.04) message. */
  ack(id: number): void {
    const i = this.items.findIndex((m) => m.id === id);
    if (i < 0) return;
    this.items.splice(i, 1);
    if (this.items.length === 0 && this.fd !== undefined) {
      ftruncateSync(this.fd, 0);
      fsyncSync(this.fd);
    } else this.append({ op: 'ack', id });
  }

  get size(): number { return this.items.length; }
  list(): readonly QueuedMessage[] { return this.items; }
  /** Number of queued messages for one transaction (GetTransactionStatus, E14). */
  countFor(transactionId: string): number {
    return this.items.filter((m) => (m.payload.transactionInfo as { transactionId?: string } | undefined)?.transactionId === transactionId).length;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
