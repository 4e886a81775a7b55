/**
 * The commands' contracts with scripts that call them: the JSON schema of each `--json` result, generated
 * from the result type (`npm run generate:schemas` after changing one), and the commands with their flags.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Deploy from '../../plugin/src/commands/stripe/cpq/deploy.js';
import MappingCheck from '../../plugin/src/commands/stripe/cpq/mapping/check.js';
import RelayStart from '../../plugin/src/commands/stripe/cpq/relay/start.js';
import Status from '../../plugin/src/commands/stripe/cpq/status.js';
import Sync from '../../plugin/src/commands/stripe/cpq/sync.js';
import { generateSchemas } from '../../plugin/scripts/generateSchemas.js';

const SCHEMAS = join(import.meta.dirname, '..', '..', 'plugin', 'schemas');

describe('command contracts', () => {
  it('ships, for every command, the JSON schema its result type generates today', () => {
    const fresh = generateSchemas();
    expect([...fresh.keys()].sort()).toEqual([
      'stripe-cpq-deploy',
      'stripe-cpq-mapping-check',
      'stripe-cpq-relay-start',
      'stripe-cpq-status',
      'stripe-cpq-sync',
    ]);
    for (const [id, text] of fresh)
      expect({ id, text: readFileSync(join(SCHEMAS, `${id}.json`), 'utf8') }).toEqual({ id, text });
  });

  it('keeps every command and flag a script may call (a change is a deliberate snapshot update)', () => {
    const commands = {
      'stripe cpq deploy': Deploy,
      'stripe cpq mapping check': MappingCheck,
      'stripe cpq relay start': RelayStart,
      'stripe cpq status': Status,
      'stripe cpq sync': Sync,
    };
    const snapshot = Object.entries(commands).map(([id, command]) => ({
      id,
      flags: Object.entries(command.flags ?? {})
        .map(([name, flag]) => ({
          name,
          char: flag.char ?? null,
          type: flag.type,
          multiple: 'multiple' in flag ? Boolean(flag.multiple) : false,
          required: Boolean(flag.required),
        }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    }));
    expect(snapshot).toMatchSnapshot();
  });
});
