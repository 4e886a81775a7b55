/** The Pub/Sub API proto (`eventbus.v1`) as salesforce-pubsub-api-client ships it: one protocol for the relay and the org emulator. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
export const PUBSUB_PROTO_PATH = join(
  dirname(require.resolve('salesforce-pubsub-api-client')),
  '..',
  'pubsub_api.proto',
);
