// TLS listeners for security profiles 2 and 3 (Part 2 A00): TLS 1.2 or above, the four cipher suites
// OCPP requires, RSA and ECDSA server certificates side by side, client certificates for profile 3.
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer, type ServerOptions as HttpsServerOptions } from 'node:https';
import { expiredCertStations, type CsmsConfig } from './config.ts';
import { CsmsError } from './errors.ts';

/**
 * [A00.FR.318] [A00.FR.421] the four required TLS 1.2 suites (OpenSSL names), RSA ones need the RSA
 * certificate, ECDSA ones the ECDSA certificate; plus ECDHE-RSA with the same AEADs and the TLS 1.3
 * suites. [A00.FR.320] [A00.FR.423] nothing unsuitable for legacy use (no CBC, RC4, 3DES, SHA-1 MACs).
 * [A00.FR.501] [A00.FR.502] [A00.FR.503] @SECLEVEL=2: every certificate in the handshake (ours and the
 * station's chain) needs 112-bit security: RSA >= 2048 bits, EC >= 224 bits, no SHA-1 signatures.
 */
export const OCPP_TLS12_REQUIRED = [
  'ECDHE-ECDSA-AES128-GCM-SHA256', // TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
  'ECDHE-ECDSA-AES256-GCM-SHA384', // TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
  'AES128-GCM-SHA256', // TLS_RSA_WITH_AES_128_GCM_SHA256
  'AES256-GCM-SHA384', // TLS_RSA_WITH_AES_256_GCM_SHA384
] as const;
export const TLS_CIPHERS = [
  'TLS_AES_256_GCM_SHA384',
  'TLS_AES_128_GCM_SHA256',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'AES256-GCM-SHA384',
  'AES128-GCM-SHA256',
  '@SECLEVEL=2',
].join(':');

function read(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new CsmsError('CSMS_ERR_TLS_FILES', `cannot read ${what} ${file}: ${(err as Error).message}`);
  }
}

/** [A00.FR.429] per profile-3 server: the stations that may present an expired certificate (auth.ts reads it). */
const expiredAllowed = new WeakMap<object, ReadonlySet<string>>();
export function expiredCertAllowedOn(server: unknown): ReadonlySet<string> | undefined {
  return server && typeof server === 'object' ? expiredAllowed.get(server) : undefined;
}

/** createHttpsServer, with OpenSSL's refusal of the certificates (e.g. a key too weak for @SECLEVEL=2) as CsmsError. */
function secureServer(options: HttpsServerOptions): HttpsServer {
  try {
    return createHttpsServer(options);
  } catch (err) {
    throw new CsmsError('CSMS_ERR_TLS_FILES', `cannot use the TLS certificate/key files: ${(err as Error).message} (A00.FR.501: RSA >= 2048, EC >= 224 bits)`);
  }
}

/** The CRL file, checked to hold at least one PEM CRL (a wrong file must not silently disable revocation). */
function readCrl(file: string): Buffer {
  const crl = read(file, 'tls.crlFile');
  if (!crl.includes('-----BEGIN X509 CRL-----')) throw new CsmsError('CSMS_ERR_TLS_FILES', `tls.crlFile ${file} holds no PEM certificate revocation list (-----BEGIN X509 CRL-----)`);
  return crl;
}

/** The files of a listener: certificates and keys, and for profile 3 the CA and the CRL. */
function material(tls: CsmsConfig['tls'], profile: 2 | 3): Pick<HttpsServerOptions, 'cert' | 'key' | 'ca' | 'crl'> {
  const cert: Buffer[] = [];
  const key: Buffer[] = [];
  if (tls.certFile) {
    cert.push(read(tls.certFile, 'tls.certFile'));
    key.push(read(tls.keyFile, 'tls.keyFile'));
  }
  if (tls.ecdsaCertFile) {
    cert.push(read(tls.ecdsaCertFile, 'tls.ecdsaCertFile'));
    key.push(read(tls.ecdsaKeyFile, 'tls.ecdsaKeyFile'));
  }
  if (profile !== 3) return { cert, key };
  return { cert, key, ca: read(tls.caFile, 'tls.caFile'), ...(tls.crlFile ? { crl: readCrl(tls.crlFile) } : {}) };
}

function sameFiles(a: ReturnType<typeof material>, b: ReturnType<typeof material>): boolean {
  const flat = (m: ReturnType<typeof material>): Buffer[] => [m.cert, m.key, m.ca, m.crl].flatMap((x) => (x === undefined ? [Buffer.alloc(0)] : Array.isArray(x) ? x : [x])) as Buffer[];
  const [x, y] = [flat(a), flat(b)];
  return x.length === y.length && x.every((buf, i) => buf.equals(y[i]!));
}

/**
 * Re-reads the listener's files every `seconds` and, when one changed, installs them for new handshakes
 * (established connections keep theirs): [A00.FR.701] short-lived ("fast expiration") CSMS certificates
 * are replaced without a restart, [A00.FR.705] the CA server's newest revocation list is in force. A file
 * that became unreadable or invalid keeps the last good set, reported on the 'tlsConfigError' event.
 */
function reloadEvery(server: HttpsServer, options: HttpsServerOptions, load: () => ReturnType<typeof material>, seconds: number): void {
  let last = load();
  const timer = setInterval(() => {
    try {
      const now = load();
      if (sameFiles(now, last)) return;
      server.setSecureContext({ ...options, ...now });
      last = now;
    } catch (err) {
      server.emit('tlsConfigError', err);
    }
  }, seconds * 1000);
  timer.unref();
  server.once('close', () => clearInterval(timer));
}

/** An https server (no request handler: it only carries WebSocket upgrades) for profile 2 or 3. */
export function createTlsServer(tls: CsmsConfig['tls'], profile: 2 | 3): HttpsServer {
  const files = material(tls, profile);
  const options: HttpsServerOptions = {
    // [A00.FR.306] [A00.FR.307] we are the TLS server and present the CSMS certificate(s)
    cert: files.cert,
    key: files.key,
    // [A00.FR.313] [A00.FR.416] TLS 1.2 or above only; [A00.FR.315] older clients fail the handshake
    minVersion: 'TLSv1.2',
    ciphers: TLS_CIPHERS,
    honorCipherOrder: true,
    // [A00.FR.321] no TLS compression: Node's OpenSSL is built without it.
    ...(profile === 3
      ? {
          // [A00.FR.402] [A00.FR.403] [A00.FR.407] client certificate required and verified against the CA.
          // [A00.FR.429] when some stations may connect with an expired certificate, the handshake completes
          // and auth.ts decides (refusing every other verification failure before the upgrade).
          requestCert: true,
          rejectUnauthorized: expiredCertStations(tls).length === 0,
          ca: files.ca,
          // [A00.FR.705] revocation: the CA server's CRL; a revoked station certificate fails the handshake
          // (or, with expired-certificate stations listed, is refused by auth.ts: CERT_REVOKED is not expiry)
          ...(files.crl ? { crl: files.crl } : {}),
        }
      : {}),
  };
  const server = secureServer(options);
  if (profile === 3) expiredAllowed.set(server, new Set(expiredCertStations(tls)));
  if (tls.reloadS > 0) reloadEvery(server, options, () => material(tls, profile), tls.reloadS);
  server.on('request', (_req, res) => {
    res.writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket' });
    res.end('OCPP-J: connect with a WebSocket upgrade to /ocpp/<identity>\n');
  });
  return server;
}
