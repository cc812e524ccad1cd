// A tiny request/response protocol over the IPC channel of a forked child (bench processes only).
import { fork, type ChildProcess } from 'node:child_process';

export interface IpcRequest { id: number; op: string; args?: unknown }
export type IpcReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export type OpTable = Record<string, (args: never) => unknown | Promise<unknown>>;

/** In the child: answer requests from the parent with the functions of `ops`. */
export function serveOps(ops: OpTable): void {
  if (!process.send) throw new Error('bench child must be started with fork()');
  process.on('message', (msg: IpcRequest) => {
    if (msg.op === 'exit') {
      // A normal exit, so that --cpu-prof writes the profile.
      setImmediate(() => process.exit(0));
      return;
    }
    const fn = ops[msg.op] as ((a: unknown) => unknown) | undefined;
    void (async () => {
      try {
        if (!fn) throw new Error(`unknown op ${msg.op}`);
        const result = await fn(msg.args);
        process.send?.({ id: msg.id, ok: true, result } satisfies IpcReply);
      } catch (err) {
        process.send?.({ id: msg.id, ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies IpcReply);
      }
    })();
  });
  // The parent going away ends the child: a benchmark never outlives its run.
  process.on('disconnect', () => process.exit(0));
}

export interface BenchChild {
  readonly proc: ChildProcess;
  request<T>(op: string, args?: unknown, timeoutMs?: number): Promise<T>;
  /** Ask the child to exit normally (so --cpu-prof writes its profile), kill it if it does not. */
  stop(): Promise<void>;
}

/** A program the child's node runs under (valgrind for `instructions`): `execPath args… node …`. */
export interface ChildWrapper { execPath: string; args: string[] }

/** Fork a TypeScript child with tsx and wait until it is ready to take requests. */
export function forkChild(script: string, extraExecArgv: string[] = [], wrap?: ChildWrapper): BenchChild {
  // a precompiled child (.mjs, bench/lib/precompile.ts) starts without tsx
  const nodeArgs = [...(script.endsWith('.mjs') ? [] : ['--import', 'tsx']), '--expose-gc', ...extraExecArgv];
  const proc = fork(script, [], {
    // wrapped: `<wrapper> <its args> node <node args> script` (the IPC channel is inherited through the wrapper)
    ...(wrap ? { execPath: wrap.execPath, execArgv: [...wrap.args, process.execPath, ...nodeArgs] } : { execArgv: nodeArgs }),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  let next = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
  proc.on('message', (msg: IpcReply) => {
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    clearTimeout(p.timer);
    if (msg.ok) p.resolve(msg.result);
    else p.reject(new Error(`${script}: ${msg.error}`));
  });
  proc.on('exit', (code, signal) => {
    for (const p of pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error(`${script} exited (${code ?? signal}) with a request pending`));
    }
    pending.clear();
  });
  return {
    proc,
    request<T>(op: string, args?: unknown, timeoutMs = 60_000): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (!proc.connected) return reject(new Error(`${script} is not running`));
        const id = next++;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${script}: ${op} timed out after ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
        proc.send({ id, op, args } satisfies IpcRequest);
      });
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      if (proc.connected) proc.send({ id: 0, op: 'exit' } satisfies IpcRequest);
      const t = setTimeout(() => proc.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(t);
    },
  };
}
