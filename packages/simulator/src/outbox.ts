// Ordered, at-least-once delivery of transaction-related messages (E04, E13) over the durable queue.
// One message in flight at a time, oldest first. A lost connection leaves the message queued (it is
// resent after reconnect); a CALLERROR or timeout counts as a failed attempt, retried after
// MessageAttemptIntervalTransactionEvent x attempts, and discarded after MessageAttemptsTransactionEvent.
import { OcppError } from '@chargewire/ocpp';
import type { Clock } from './clock.ts';
import type { DurableQueue, QueuedMessage } from './offline-queue.ts';

export interface OutboxDeps {
  clock: Clock;
  /** Connected and registration Accepted (B01.FR.08: no cached messages before that). */
  canSend(): boolean;
  call(action: string, payload: Record<string, unknown>): Promise<Record<string, unknown>>;
  attempts(): number;
  intervalS(): number;
  onDelivered(m: QueuedMessage, response: Record<string, unknown>): void;
  onDiscarded(m: QueuedMessage, err: Error): void;
}

export class Outbox {
  private busy = false;
  constructor(readonly queue: DurableQueue, private readonly deps: OutboxDeps) {}

  enqueue(action: string, payload: Record<string, unknown>): QueuedMessage {
    const m = this.queue.push(action, payload);
    this.kick();
    return m;
  }

  get size(): number { return this.queue.size; }

  private wakeRetry: (() => void) | undefined;
  /** End a pending retry wait now: a reboot forgets the retry timer, the message goes once the station may send (B12.FR.05). */
  retryNow(): void { this.wakeRetry?.(); }

  /** Start delivering if possible (after enqueue, on reconnect, after boot Accepted). */
  kick(): void {
    if (this.busy || !this.deps.canSend() || this.queue.size === 0) return;
    this.busy = true;
    void this.drain().finally(() => { this.busy = false; if (this.queue.size && this.deps.canSend()) this.kick(); });
  }

  private async drain(): Promise<void> {
    for (let m = this.queue.peek(); m && this.deps.canSend(); m = this.queue.peek()) {
      let response: Record<string, unknown>;
      try {
        response = await this.deps.call(m.action, m.payload);
      } catch (err) {
        // Connection lost: keep the message, it goes again after reconnect (E04).
        if (err instanceof OcppError && err.code === 'OCPP_ERR_CLOSED') {
          // [E11.FR.07] the station went offline: every TransactionEvent still queued is marked offline.
          for (const q of this.queue.list()) if (q.action === 'TransactionEvent') q.payload.offline = true;
          return;
        }
        m.attempts += 1;
        // [E13.FR.04] after the final attempt: discard and continue with the next message.
        if (m.attempts >= Math.max(1, this.deps.attempts())) {
          this.queue.ack(m.id);
          this.deps.onDiscarded(m, err as Error);
          continue;
        }
        // [E13.FR.02] [E13.FR.03] retry after MessageAttemptInterval x the number of preceding transmissions.
        const waitMs = this.deps.intervalS() * 1000 * m.attempts;
        await new Promise<void>((r) => {
          const t = this.deps.clock.setTimeout(() => { this.wakeRetry = undefined; r(); }, waitMs);
          this.wakeRetry = () => { this.deps.clock.clearTimeout(t); this.wakeRetry = undefined; r(); };
        });
        continue;
      }
      this.queue.ack(m.id);
      this.deps.onDelivered(m, response);
    }
  }
}
