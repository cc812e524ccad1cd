// Logging: one pino root logger; one child per station connection with { stationId, protocol } bound
// (design habit 10). `log.pretty` prints one short line per entry without extra dependencies.
import { pino, type Logger, type DestinationStream } from 'pino';
import type { CsmsConfig } from './config.ts';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const HIDDEN = new Set(['level', 'time', 'msg', 'pid', 'hostname']);

/** A destination that turns pino's JSON lines into `12:00:00.000 INFO  [CS001] message key=value`. */
export function prettyDestination(out: NodeJS.WritableStream = process.stdout): DestinationStream {
  return {
    write(line: string) {
      let o: Record<string, unknown>;
      try {
        o = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line);
        return;
      }
      const time = new Date(Number(o['time'])).toISOString().slice(11, 23);
      const level = (LEVELS[Number(o['level'])] ?? String(o['level'])).padEnd(5);
      const station = o['stationId'] ? ` [${String(o['stationId'])}]` : '';
      const rest = Object.entries(o)
        .filter(([k]) => !HIDDEN.has(k) && k !== 'stationId')
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      out.write(`${time} ${level}${station} ${String(o['msg'] ?? '')}${rest ? ` ${rest}` : ''}\n`);
    },
  };
}

export function createLogger(cfg: CsmsConfig['log'], destination?: DestinationStream): Logger {
  const opts = { level: cfg.level, base: undefined, redact: { paths: ['password', '*.password', 'authorization', '*.authorization'], censor: '[redacted]' } };
  if (destination) return pino(opts, destination);
  return cfg.pretty ? pino(opts, prettyDestination()) : pino(opts);
}

/** The per-station child logger (pino child with { stationId, protocol }). */
export function stationLogger(root: Logger, stationId: string, protocol: string): Logger {
  return root.child({ stationId, protocol });
}
