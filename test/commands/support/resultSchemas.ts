/**
 * The --json contract: each command's result must match its JSON schema in plugin/schemas.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';

const SCHEMA_DIR = new URL('../../../plugin/schemas/', import.meta.url);
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });

/** The schema's errors for `result` (empty when it conforms), by command id: `stripe-cpq-deploy`. */
export function schemaErrors(
  schemaId: 'stripe-cpq-deploy' | 'stripe-cpq-sync' | 'stripe-cpq-status' | 'stripe-cpq-relay-start',
  result: unknown,
): string[] {
  const validate =
    ajv.getSchema(schemaId) ??
    ajv
      .addSchema(JSON.parse(readFileSync(new URL(`${schemaId}.json`, SCHEMA_DIR), 'utf8')) as object)
      .getSchema(schemaId);
  if (!validate) throw new Error(`No schema ${schemaId}`);
  return validate(result) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}
