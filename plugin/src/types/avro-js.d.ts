// The part of avro-js (Apache Avro's JavaScript implementation, no bundled types) the relay and the org
// emulator use. The emulator's tsconfig includes this file too.
declare module 'avro-js' {
  interface AvroType {
    toBuffer(value: unknown): Buffer;
    fromBuffer(buffer: Buffer): unknown;
    /** A record's fields, in schema order. */
    getFields(): Array<{ getName(): string; getType(): AvroType }>;
    /** A union's branches. */
    getTypes(): AvroType[];
    /** A named type's full name (records, enums, fixed); undefined for primitives. */
    getName(): string | undefined;
  }
  type AvroTypeClass = abstract new (...args: never[]) => AvroType;
  /** A custom `long` (avro-js `LongType.using`, lib/schemas.js): its values from and to 8 little-endian bytes. */
  interface LongMethods<T> {
    fromBuffer(bytes: Buffer): T;
    toBuffer(value: T): Buffer;
    fromJSON(json: number | string): T;
    toJSON(value: T): number | string;
    isValid(value: unknown): boolean;
    compare(a: T, b: T): number;
  }
  const avro: {
    parse(schema: string | object, options?: Record<string, unknown>): AvroType;
    types: {
      readonly RecordType: AvroTypeClass;
      readonly UnionType: AvroTypeClass;
      readonly LongType: { using<T>(methods: LongMethods<T>, noUnpack?: boolean): AvroType };
    } & Record<string, unknown>;
  };
  export default avro;
  export type { AvroType };
}
