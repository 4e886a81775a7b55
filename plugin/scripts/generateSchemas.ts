/**
 * Writes plugin/schemas/<command id>.json, the JSON schema of each command's `--json` result, from the
 * result type the command's class declares (`extends SfCommand<SyncResult>`), so the schema cannot drift
 * from the code. Run `npm run generate:schemas`; a test checks the committed files equal a fresh run.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { createGenerator } from 'ts-json-schema-generator';

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
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? commandFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
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
 * A plan's Stripe operations carry stripe-node's own parameter types (`SubscriptionScheduleCreateParams`,
 * thousands of lines of Stripe's API); the schema names them instead of copying Stripe's reference.
 */
function withStripeParamsNamed(schema: Schema): Schema {
  const definitions = Object.fromEntries(
    Object.entries(schema.definitions ?? {}).map(([name, definition]) =>
      /^([A-Z]\w*\.)*[A-Z]\w*Params$/.test(name) ? [name, { type: 'object', description: `stripe-node's Stripe.${name} at the API version the plugin pins, sent as it is.` }] : [name, definition],
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
  const generator = createGenerator({ path: join(COMMANDS, '**', '*.ts'), tsconfig: join(ROOT, 'plugin', 'tsconfig.json'), expose: 'export', topRef: true, additionalProperties: false, skipTypeCheck: true });
  const schemas = new Map<string, string>();
  for (const command of commandResults()) {
    const schema = withStripeParamsNamed({ $id: command.id, ...generator.createSchema(command.type) } as Schema);
    schemas.set(command.id, `${JSON.stringify(schema, null, 2)}\n`);
  }
  return schemas;
}

if (import.meta.main) {
  for (const [id, text] of generateSchemas()) writeFileSync(join(SCHEMAS, `${id}.json`), text);
  console.log(`wrote ${relative(ROOT, SCHEMAS)}/*.json`);
}
