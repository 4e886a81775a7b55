/**
 * The TLS identity of the emulated Pub/Sub endpoint. The maintained client (`salesforce-pubsub-api-client`)
 * only speaks TLS (`grpc.credentials.createSsl` in its `connect()`), so the emulator serves TLS with a
 * self-signed certificate for localhost, made once per process with the `openssl` command; clients
 * connect with `rejectUnauthorizedSsl: false` (the client's option) or trust `certificate`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TlsIdentity {
  readonly privateKey: Buffer;
  readonly certificate: Buffer;
}

let identity: TlsIdentity | undefined;

export function selfSignedIdentity(): TlsIdentity {
  if (identity) return identity;
  const dir = mkdtempSync(join(tmpdir(), 'pubsub-tls-'));
  try {
    const keyFile = join(dir, 'key.pem');
    const certFile = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '7',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { stdio: 'ignore' },
    );
    identity = { privateKey: readFileSync(keyFile), certificate: readFileSync(certFile) };
    return identity;
  } catch (error) {
    throw new Error(
      'The Pub/Sub emulator needs the `openssl` command to make its TLS certificate; install OpenSSL or start the org emulator with `pubSub: false`.',
      { cause: error },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
