/** The relay's structured log (pino, JSON lines) with secrets redacted wherever they appear. */
import { pino, type Logger, type LoggerOptions } from 'pino';

export const REDACTED_PATHS = [
  'apiKey',
  'accessToken',
  'token',
  'authorization',
  'webhookSecret',
  'syncToken',
  '*.apiKey',
  '*.accessToken',
  '*.token',
  '*.authorization',
  '*.webhookSecret',
  '*.syncToken',
  'headers.authorization',
  'headers["stripe-signature"]',
  'req.headers.authorization',
];

export function createRelayLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const config: LoggerOptions = {
    name: 'stripe-cpq-relay',
    level: options.level ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  return options.destination ? pino(config, options.destination as pino.DestinationStream) : pino(config);
}

export type { Logger };
