/**
 * The Pub/Sub API proto (`eventbus.v1`) as the maintained client (salesforce-pubsub-api-client) ships it:
 * one protocol for the relay (pubSubApi.ts) and the org emulator. The package is a dependency for this file.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
export const PUBSUB_PROTO_PATH = join(
  dirname(require.resolve('salesforce-pubsub-api-client')),
  '..',
  'pubsub_api.proto',
);
