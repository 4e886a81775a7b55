// The scratch org definitions (config/): the CPQ feature in both (Scratch Org Features, "CPQ"); one
// single-currency org, as the emulator's default, and one multi-currency org for the multi-currency
// scenarios (feature MultiCurrency plus currencySettings.enableMultiCurrency, Scratch Org Settings).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './packageSource.js';

interface ScratchDef {
  readonly edition: string;
  readonly features: readonly string[];
  readonly settings: Record<string, Record<string, unknown>>;
}

const definition = (name: string): ScratchDef =>
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'config', name), 'utf8')) as ScratchDef;

describe('scratch org definitions', () => {
  const single = definition('project-scratch-def.json');
  const multi = definition('project-scratch-def-multicurrency.json');

  it('both enable the CPQ feature and Orders with the negative and zero quantities amendments need', () => {
    for (const def of [single, multi]) {
      expect(def.features).toContain('CPQ');
      expect(def.settings.orderSettings).toEqual({
        enableOrders: true,
        enableNegativeQuantity: true,
        enableZeroQuantity: true,
      });
    }
  });

  it('project-scratch-def.json is a single-currency org', () => {
    expect(single.features).not.toContain('MultiCurrency');
    expect(single.settings.currencySettings).toBeUndefined();
  });

  it('project-scratch-def-multicurrency.json enables multiple currencies, and is otherwise the same org', () => {
    expect(multi.features).toContain('MultiCurrency');
    expect(multi.settings.currencySettings).toEqual({ enableMultiCurrency: true });
    expect({ ...multi.settings, currencySettings: undefined }).toEqual({
      ...single.settings,
      currencySettings: undefined,
    });
    expect(multi.edition).toBe(single.edition);
  });
});
