// The part of avro-js (Apache Avro's JavaScript implementation, no bundled types) this code uses.
declare module 'avro-js' {
  interface AvroType {
    toBuffer(value: unknown): Buffer;
    fromBuffer(buffer: Buffer): unknown;
    getFields(): Array<{ getName(): string }>;
  }
  const avro: {
    parse(schema: string | object, options?: Record<string, unknown>): AvroType;
    types: Record<string, unknown>;
  };
  export default avro;
  export type { AvroType };
}
