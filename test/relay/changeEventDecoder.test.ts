// The relay's reading of Pub/Sub API change events: Avro payloads written as Salesforce writes them (every
// record field a union with null, compound fields a nested record), schemas fetched once per schema id.
import { describe, expect, it } from '@jest/globals';
import avro from 'avro-js';
import { ChangeEventDecoder } from '../../plugin/src/relay/changeEventDecoder.js';
import { encodeReplayId } from '../../plugin/src/salesforce/pubSubApi.js';

const HEADER = {
  type: 'record',
  name: 'ChangeEventHeader',
  namespace: 'com.sforce.eventbus',
  fields: [
    { name: 'entityName', type: 'string' },
    { name: 'recordIds', type: { type: 'array', items: 'string' } },
    { name: 'changeType', type: { type: 'enum', name: 'ChangeType', symbols: ['CREATE', 'UPDATE'] } },
    { name: 'commitTimestamp', type: 'long' },
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
  ],
});
const type = avro.parse(SCHEMA);

const consumerEvent = (replayId: number, schemaId = 'schema-1') => ({
  event: {
    id: `event-${replayId}`,
    schemaId,
    payload: type.toBuffer({
      ChangeEventHeader: {
        entityName: 'Contact',
        recordIds: ['003000000000001AAA'],
        changeType: 'UPDATE',
        commitTimestamp: 1_764_000_000_000,
      },
      Name: { 'com.sforce.eventbus.Switchable_PersonName': { FirstName: null, LastName: { string: 'Lovelace' } } },
      Status__c: { string: 'Queued' },
      Requested_At__c: { long: 1_764_000_000_123 },
      Order__c: null,
    }),
  },
  replayId: encodeReplayId(replayId),
});

describe('the change event decoder', () => {
  it('reads the header, the replay id and plain field values (unions unwrapped, compound fields nested)', async () => {
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
      },
    });
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
