// The relay's reading of Pub/Sub API change events: Avro payloads written as Salesforce writes them (every
// record field a union with null, compound fields a nested record, a commitNumber beyond 2^53), schemas
// fetched once per schema id.
import { describe, expect, it } from '@jest/globals';
import { ChangeEventDecoder } from '../../plugin/src/relay/changeEventDecoder.js';
import { encodeReplayId } from '../../plugin/src/salesforce/pubSubApi.js';
import { parsePubSubSchema } from '../../plugin/src/salesforce/pubSubAvro.js';
import { memoryLogger } from './support.js';

const HEADER = {
  type: 'record',
  name: 'ChangeEventHeader',
  namespace: 'com.sforce.eventbus',
  fields: [
    { name: 'entityName', type: 'string' },
    { name: 'recordIds', type: { type: 'array', items: 'string' } },
    { name: 'changeType', type: { type: 'enum', name: 'ChangeType', symbols: ['CREATE', 'UPDATE'] } },
    { name: 'commitTimestamp', type: 'long' },
    { name: 'commitNumber', type: 'long' },
  ],
};
const SCHEMA = JSON.stringify({
  type: 'record',
  name: 'ContactChangeEvent',
  namespace: 'com.sforce.eventbus',
  fields: [
    { name: 'ChangeEventHeader', type: HEADER },
    {
      name: 'Name',
      type: [
        'null',
        {
          type: 'record',
          name: 'Switchable_PersonName',
          fields: [
            { name: 'FirstName', type: ['null', 'string'], default: null },
            { name: 'LastName', type: ['null', 'string'], default: null },
          ],
        },
      ],
      default: null,
    },
    { name: 'Status__c', type: ['null', 'string'], default: null },
    { name: 'Requested_At__c', type: ['null', 'long'], default: null },
    { name: 'Order__c', type: ['null', 'string'], default: null },
    { name: 'Sequence__c', type: ['null', 'long'], default: null },
  ],
});
// avro-js's default long cannot write a commitNumber of a real org's magnitude: the writer is the emulator's.
const type = parsePubSubSchema(SCHEMA);
/** The value forcedotcom/pub-sub-api issue #44 quotes, beyond Number.MAX_SAFE_INTEGER. */
const COMMIT_NUMBER = 1_698_100_138_468_892_700n;

const consumerEvent = (replayId: number, schemaId = 'schema-1', sequence: bigint | null = null) => ({
  event: {
    id: `event-${replayId}`,
    schemaId,
    payload: type.toBuffer({
      ChangeEventHeader: {
        entityName: 'Contact',
        recordIds: ['003000000000001AAA'],
        changeType: 'UPDATE',
        commitTimestamp: 1_764_000_000_000,
        commitNumber: COMMIT_NUMBER,
      },
      Name: { 'com.sforce.eventbus.Switchable_PersonName': { FirstName: null, LastName: { string: 'Lovelace' } } },
      Status__c: { string: 'Queued' },
      Requested_At__c: { long: 1_764_000_000_123 },
      Order__c: null,
      Sequence__c: sequence === null ? null : { long: sequence },
    }),
  },
  replayId: encodeReplayId(replayId),
});

describe('the change event decoder', () => {
  it('reads the header (its commitNumber beyond 2^53), the replay id and plain field values (unions unwrapped, compound fields nested)', async () => {
    const decoder = new ChangeEventDecoder(() => Promise.resolve(SCHEMA));
    expect(await decoder.decode(consumerEvent(4_242))).toEqual({
      replayId: 4_242,
      entity: 'Contact',
      changeType: 'UPDATE',
      recordIds: ['003000000000001AAA'],
      committedAt: 1_764_000_000_000,
      fields: {
        Name: { FirstName: null, LastName: 'Lovelace' },
        Status__c: 'Queued',
        Requested_At__c: 1_764_000_000_123,
        Order__c: null,
        Sequence__c: null,
      },
    });
  });

  it('reads a long beyond 2^53 as an exact BigInt, which the relay log writes', async () => {
    const decoder = new ChangeEventDecoder(() => Promise.resolve(SCHEMA));
    const sequence = 2n ** 60n + 1n;
    const event = await decoder.decode(consumerEvent(7, 'schema-1', sequence));
    expect(event.fields.Sequence__c).toBe(sequence);
    const log = memoryLogger();
    log.logger.info({ event }, 'change event');
    expect(log.lines.join('\n')).toContain(`"Sequence__c":${sequence}`);
  });

  it('fetches a schema once per schema id, and again after a failed fetch', async () => {
    const fetched: string[] = [];
    let fail = true;
    const decoder = new ChangeEventDecoder((schemaId) => {
      fetched.push(schemaId);
      if (fail) {
        fail = false;
        return Promise.reject(new Error('UNAVAILABLE'));
      }
      return Promise.resolve(SCHEMA);
    });
    await expect(decoder.decode(consumerEvent(1))).rejects.toThrow('UNAVAILABLE');
    await Promise.all([decoder.decode(consumerEvent(2)), decoder.decode(consumerEvent(3))]);
    await decoder.decode(consumerEvent(4));
    expect(fetched).toEqual(['schema-1', 'schema-1']);
  });
});
