/**
 * Writes plugin/schemas/<command id>.json, the JSON schema of each command's `--json` result, from the
 * result type the command's class declares (`extends SfCommand<SyncResult>`), so the schema cannot drift
 * from the code. Run `npm run generate:schemas` (after `npm run build`: zod-typed results take their schema
 * from the compiled zod schemas); a test checks the committed files equal a fresh run.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import {
  AnyType,
  createFormatter,
  createParser,
  createProgram,
  DEFAULT_CONFIG,
  DefinitionType,
  SchemaGenerator,
  type CompletedConfig,
  type SubNodeParser,
} from 'ts-json-schema-generator';
import { z } from 'zod';
import { billingSummarySchema } from '../lib/core/billingSummary/schema.js';

const ROOT = join(import.meta.dirname, '..', '..');
const COMMANDS = join(ROOT, 'plugin', 'src', 'commands');
const SCHEMAS = join(ROOT, 'plugin', 'schemas');

interface CommandResult {
  /** `stripe-cpq-mapping-check`, the file name of its schema. */
  readonly id: string;
  readonly file: string;
  readonly type: string;
}

function commandFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? commandFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

export function commandResults(): CommandResult[] {
  return commandFiles(COMMANDS).map((file) => {
    const type = /extends SfCommand<(\w+)>/.exec(readFileSync(file, 'utf8'))?.[1];
    if (!type) throw new Error(`${file}: no SfCommand<Result> to take the schema from`);
    const id = relative(COMMANDS, file).replace(/\.ts$/, '').split(sep).join('-');
    return { id, file, type };
  });
}

type Schema = { definitions?: Record<string, unknown> } & Record<string, unknown>;

/**
 * Result types inferred from a zod schema (`z.infer<…>`) are beyond the TypeScript-to-schema generator:
 * their definition is the zod schema's own JSON schema, the schema the relay validates with.
 */
const ZOD_TYPES: Readonly<Record<string, { readonly definition: string; readonly schema: z.ZodType }>> = {
  BillingSummary: { definition: 'billingSummary', schema: billingSummarySchema },
};

/** Parses a reference to a zod-typed result type as a named definition, filled in from zod afterwards. */
const zodTypeReferences: SubNodeParser = {
  supportsNode: (node) =>
    ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName) && node.typeName.text in ZOD_TYPES,
  createType: (node) =>
    new DefinitionType(
      ZOD_TYPES[((node as ts.TypeReferenceNode).typeName as ts.Identifier).text]!.definition,
      new AnyType(),
    ),
};

function withZodDefinitions(schema: Schema): Schema {
  const definitions = { ...schema.definitions };
  for (const { definition, schema: zodSchema } of Object.values(ZOD_TYPES)) {
    if (!(definition in definitions)) continue;
    const { $schema: _, ...fromZod } = z.toJSONSchema(zodSchema, { target: 'draft-7' });
    definitions[definition] = fromZod;
  }
  return { ...schema, definitions };
}

/**
 * A plan's Stripe operations carry stripe-node's own parameter types (`SubscriptionScheduleCreateParams`,
 * thousands of lines of Stripe's API); the schema names them instead of copying Stripe's reference.
 */
function withStripeParamsNamed(schema: Schema): Schema {
  const definitions = Object.fromEntries(
    Object.entries(schema.definitions ?? {}).map(([name, definition]) =>
      /^([A-Z]\w*\.)*[A-Z]\w*Params$/.test(name)
        ? [
            name,
            {
              type: 'object',
              description: `stripe-node's Stripe.${name} at the API version the plugin pins, sent as it is.`,
            },
          ]
        : [name, definition],
    ),
  );
  return pruned({ ...schema, definitions });
}

/** Without the definitions nothing refers to any more. */
function pruned(schema: Schema): Schema {
  const all = schema.definitions ?? {};
  const reached = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        const name = decodeURIComponent(value.replace('#/definitions/', ''));
        if (!reached.has(name)) {
          reached.add(name);
          visit(all[name]);
        }
      } else visit(value);
    }
  };
  const { definitions: _definitions, ...root } = schema;
  visit(root);
  return { ...root, definitions: Object.fromEntries(Object.entries(all).filter(([name]) => reached.has(name))) };
}

/** Each command's schema as the file holds it (JSON text with a final newline), by command id. */
export function generateSchemas(): Map<string, string> {
  const config: CompletedConfig = {
    ...DEFAULT_CONFIG,
    path: join(COMMANDS, '**', '*.ts'),
    tsconfig: join(ROOT, 'plugin', 'tsconfig.json'),
    expose: 'export',
    topRef: true,
    additionalProperties: false,
    skipTypeCheck: true,
  };
  const program = createProgram(config);
  const parser = createParser(program, config, (chain) => chain.addNodeParser(zodTypeReferences));
  const generator = new SchemaGenerator(program, parser, createFormatter(config), config);
  const schemas = new Map<string, string>();
  for (const command of commandResults()) {
    const schema = withZodDefinitions(
      withStripeParamsNamed({ $id: command.id, ...generator.createSchema(command.type) } as Schema),
    );
    schemas.set(command.id, `${JSON.stringify(schema, null, 2)}\n`);
  }
  return schemas;
}

if (import.meta.main) {
  for (const [id, text] of generateSchemas()) writeFileSync(join(SCHEMAS, `${id}.json`), text);
  console.log(`wrote ${relative(ROOT, SCHEMAS)}/*.json`);
}
