// `npm start`: configuration from --config and CHARGEWIRE_* (validated), then the CSMS until SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { loadConfig, helpText, type CsmsConfig } from './config.ts';
import { createCsms } from './csms.ts';
import { CsmsError } from './errors.ts';

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({ options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${helpText()}\n`);
    return 2;
  }
  if (args.values.help) {
    process.stdout.write(`${helpText()}\n`);
    return 0;
  }
  let config: CsmsConfig;
  try {
    config = loadConfig({ file: args.values.config, env: process.env });
  } catch (err) {
    if (err instanceof CsmsError) {
      process.stderr.write(`${err.code}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const csms = createCsms(config);
  try {
    const addr = await csms.start();
    await printAdminToken(config);
    const host = config.ocpp.host === '0.0.0.0' ? 'localhost' : config.ocpp.host;
    if (addr.ocpp !== undefined) csms.runtime.log.info(`OCPP (profile 1)  ws://${host}:${addr.ocpp}/ocpp/<identity>`);
    if (addr.tls !== undefined) csms.runtime.log.info(`OCPP (profile 2)  wss://${host}:${addr.tls}/ocpp/<identity>`);
    if (addr.mtls !== undefined) csms.runtime.log.info(`OCPP (profile 3)  wss://${host}:${addr.mtls}/ocpp/<identity>`);
    if (addr.http !== undefined) csms.runtime.log.info(`HTTP              http://${config.http.host === '0.0.0.0' ? 'localhost' : config.http.host}:${addr.http}`);
    if (config.mode === 'quickstart') csms.runtime.log.warn('quick-start mode: unknown stations are registered on first connect (CHARGEWIRE_MODE=production refuses them)');
  } catch (err) {
    csms.runtime.log.fatal({ err }, 'start failed');
    await csms.stop().catch(() => {});
    if (err instanceof CsmsError) process.stderr.write(`${err.code}: ${err.message}\n`);
    return 1;
  }
  await new Promise<void>((resolve) => {
    const onSignal = (sig: string): void => {
      csms.runtime.log.info({ signal: sig }, 'signal received; graceful shutdown');
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  await csms.stop();
  return 0;
}

/** Quick start: create the admin API token on first run and print it once. */
async function printAdminToken(config: CsmsConfig): Promise<void> {
  if (config.http.port < 0) return;
  let mod: { ensureAdminToken?(dataDir: string): string | null };
  try {
    mod = (await import('./api/index.ts')) as typeof mod;
  } catch {
    return;
  }
  const token = mod.ensureAdminToken?.(config.dataDir);
  if (token) process.stdout.write(`\nAdmin API token (shown once, stored hashed in ${config.dataDir}):\n  ${token}\n\n`);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
