/**
 * Change events as the relay needs them, read from the Pub/Sub API's Avro payloads with avro-js (Apache
 * Avro's JavaScript implementation): each event names its schema id; the schema (GetSchema) is fetched once
 * and kept. The record's first field is the ChangeEventHeader, the others the record's fields, each a union
 * with null (Change Data Capture Developer Guide, "Change Event Message Structure"). A `long` beyond 2^53,
 * as real orgs send in ChangeEventHeader.commitNumber, reads as a BigInt (pubSubAvro.ts).
 */
import avro, { type AvroType } from 'avro-js';
import { decodeReplayId, type ConsumerEvent } from '../salesforce/pubSubApi.js';
import { parsePubSubSchema } from '../salesforce/pubSubAvro.js';

/** One change event, as the relay needs it. */
export interface ChangeEvent {
  readonly replayId: number;
  /** `Order`, `Stripe_Sync_Request__c`. */
  readonly entity: string;
  readonly changeType: string;
  readonly recordIds: readonly string[];
  /** When Salesforce committed the change (milliseconds since the epoch). */
  readonly committedAt: number | undefined;
  /**
   * The record fields the event carries (changed, or named by the channel filter). A long beyond
   * Number.MAX_SAFE_INTEGER is an exact BigInt (pubSubAvro.ts); pino logs those, JSON.stringify would throw.
   */
  readonly fields: Readonly<Record<string, unknown>>;
}

interface Header {
  entityName?: string;
  changeType?: string;
  recordIds?: string[];
  commitTimestamp?: number;
}

/** A class test that leaves `type` an AvroType (the d.ts declares no subclasses). */
const is = (type: AvroType, kind: typeof avro.types.RecordType): boolean => type instanceof kind;

/** avro-js reads a union's value as `{ branch: value }`: the plain value, records' fields likewise. */
function plain(type: AvroType, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value) || Array.isArray(value)) return value;
  if (is(type, avro.types.UnionType)) {
    const [branch, inner] = Object.entries(value)[0] ?? [];
    const chosen = type.getTypes().find((t) => t.getName() === branch);
    return chosen ? plain(chosen, inner) : inner;
  }
  if (is(type, avro.types.RecordType)) {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(type.getFields().map((f) => [f.getName(), plain(f.getType(), record[f.getName()])]));
  }
  return value;
}

export class ChangeEventDecoder {
  private readonly types = new Map<string, Promise<AvroType>>();

  /** `schemaJson` answers GetSchema. */
  constructor(private readonly schemaJson: (schemaId: string) => Promise<string>) {}

  async decode(received: ConsumerEvent): Promise<ChangeEvent> {
    const type = await this.typeOf(received.event.schemaId);
    const record = plain(type, type.fromBuffer(received.event.payload)) as Record<string, unknown>;
    const { ChangeEventHeader, ...fields } = record;
    const header = (ChangeEventHeader ?? {}) as Header;
    return {
      replayId: decodeReplayId(received.replayId),
      entity: header.entityName ?? '',
      changeType: header.changeType ?? '',
      recordIds: header.recordIds ?? [],
      committedAt: typeof header.commitTimestamp === 'number' ? header.commitTimestamp : undefined,
      fields,
    };
  }

  private typeOf(schemaId: string): Promise<AvroType> {
    let type = this.types.get(schemaId);
    if (!type) {
      type = this.schemaJson(schemaId).then(parsePubSubSchema);
      // A failed fetch is not kept: the next event with that schema asks again.
      type.catch(() => this.types.delete(schemaId));
      this.types.set(schemaId, type);
    }
    return type;
  }
}
