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

/**
 * [A00.FR.705] keeps the revocation list current: re-reads tls.crlFile every `seconds` and installs it for
 * new handshakes (established connections keep theirs). A file that became unreadable or invalid keeps
 * the last good list and is reported on the server's 'tlsConfigError' event.
 */
function reloadCrlEvery(server: HttpsServer, options: HttpsServerOptions, file: string, seconds: number): void {
  let last = options.crl as Buffer;
  const timer = setInterval(() => {
    try {
      const crl = readCrl(file);
      if (crl.equals(last)) return;
      server.setSecureContext({ ...options, crl });
      last = crl;
    } catch (err) {
      server.emit('tlsConfigError', err);
    }
  }, seconds * 1000);
  timer.unref();
  server.once('close', () => clearInterval(timer));
}

/** An https server (no request handler: it only carries WebSocket upgrades) for profile 2 or 3. */
export function createTlsServer(tls: CsmsConfig['tls'], profile: 2 | 3): HttpsServer {
  const certs: Buffer[] = [];
  const keys: Buffer[] = [];
  if (tls.certFile) {
    certs.push(read(tls.certFile, 'tls.certFile'));
    keys.push(read(tls.keyFile, 'tls.keyFile'));
  }
  if (tls.ecdsaCertFile) {
    certs.push(read(tls.ecdsaCertFile, 'tls.ecdsaCertFile'));
    keys.push(read(tls.ecdsaKeyFile, 'tls.ecdsaKeyFile'));
  }
  const options: HttpsServerOptions = {
    // [A00.FR.306] [A00.FR.307] we are the TLS server and present the CSMS certificate(s)
    cert: certs,
    key: keys,
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
          ca: read(tls.caFile, 'tls.caFile'),
          // [A00.FR.705] revocation: the CA server's CRL; a revoked station certificate fails the handshake
          // (or, with expired-certificate stations listed, is refused by auth.ts: CERT_REVOKED is not expiry)
          ...(tls.crlFile ? { crl: readCrl(tls.crlFile) } : {}),
        }
      : {}),
  };
  const server = secureServer(options);
  if (profile === 3) expiredAllowed.set(server, new Set(expiredCertStations(tls)));
  if (profile === 3 && tls.crlFile) reloadCrlEvery(server, options, tls.crlFile, tls.crlReloadS);
  server.on('request', (_req, res) => {
    res.writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket' });
    res.end('OCPP-J: connect with a WebSocket upgrade to /ocpp/<identity>\n');
  });
  return server;
}
