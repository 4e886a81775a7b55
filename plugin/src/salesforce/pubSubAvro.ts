/**
 * Avro schemas of Pub/Sub API events, parsed so that every 64-bit `long` can be read and written.
 *
 * avro-js's own `long` refuses values beyond Number.MAX_SAFE_INTEGER ("potential precision loss"), and
 * Salesforce sends such values: ChangeEventHeader.commitNumber, e.g. 1698100138468892700
 * (forcedotcom/pub-sub-api issue #44; pozil/pub-sub-api-node-client issues #21, #25). As the maintained
 * client does, a long that fits a safe integer reads as a number (datetimes, commitTimestamp) and a larger
 * one as an exact BigInt.
 */
import avro, { type AvroType } from 'avro-js';

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A long as the relay reads it: a number where exact, else a BigInt. */
const narrowed = (value: bigint): number | bigint => (value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value);

/** avro-js hands a custom long its 8 bytes, little-endian two's complement. */
const LONG = avro.types.LongType.using({
  fromBuffer: (bytes: Buffer) => narrowed(bytes.readBigInt64LE()),
  toBuffer: (value: number | bigint) => {
    const bytes = Buffer.alloc(8);
    bytes.writeBigInt64LE(BigInt(value));
    return bytes;
  },
  fromJSON: (json: number | string) => narrowed(BigInt(json)),
  // A JSON number would round a large long: it goes as a string.
  toJSON: (value: number | bigint) => (typeof value === 'bigint' ? value.toString() : value),
  isValid: (value: unknown) =>
    (typeof value === 'number' && Number.isSafeInteger(value)) ||
    (typeof value === 'bigint' && BigInt.asIntN(64, value) === value),
  compare: (a: number | bigint, b: number | bigint) => (a < b ? -1 : a > b ? 1 : 0),
});

/** The Avro type of a Pub/Sub API schema (GetSchema's `schemaJson`). */
export const parsePubSubSchema = (schemaJson: string): AvroType =>
  // A fresh registry each time: avro-js records the schema's named types in it.
  avro.parse(schemaJson, { registry: { long: LONG } });
