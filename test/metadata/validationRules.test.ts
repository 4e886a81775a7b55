/**
 * Validation rules: formulas that call known functions on fields that exist (a deploy fails on either),
 * and the coupon rules of spec §2.8 with the reference product's messages.
 */
import { readPackageSource, type SObjectSource, type ValidationRule } from './packageSource.js';
import { SYSTEM_FIELDS } from './platformObjects.js';

const pkg = readPackageSource();
const FORMULA_FUNCTIONS = new Set([
  'AND',
  'OR',
  'NOT',
  'IF',
  'ISBLANK',
  'ISNULL',
  'ISPICKVAL',
  'ISNEW',
  'ISCHANGED',
  'PRIORVALUE',
  'TEXT',
  'LEN',
  'VALUE',
  'ROUND',
  'FLOOR',
  'MOD',
  'REGEX',
  'BEGINS',
  'CONTAINS',
]);
const FORMULA_CONSTANTS = new Set(['TRUE', 'FALSE', 'NULL']);

/** Function names and field references of a formula, string literals left out. */
function formulaNames(formula: string): { functions: string[]; fields: string[] } {
  const code = formula.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, "''");
  const functions: string[] = [];
  const fields: string[] = [];
  for (const match of code.matchAll(/\b([A-Za-z_][A-Za-z0-9_]*)\b(\s*\()?/g)) {
    const [, name, call] = match as unknown as [string, string, string | undefined];
    if (call) functions.push(name);
    else if (!FORMULA_CONSTANTS.has(name.toUpperCase())) fields.push(name);
  }
  return { functions, fields };
}

/** Problems a deploy would report for one rule of one object. */
function ruleProblems(object: SObjectSource, rule: ValidationRule): string[] {
  const { functions, fields } = formulaNames(rule.errorConditionFormula);
  const hasField = (name: string) => object.fields.has(name) || SYSTEM_FIELDS.includes(name);
  const depth = [...rule.errorConditionFormula].reduce(
    (d, c) => (d < 0 ? d : d + (c === '(' ? 1 : c === ')' ? -1 : 0)),
    0,
  );
  return [
    ...functions.filter((f) => !FORMULA_FUNCTIONS.has(f.toUpperCase())).map((f) => `unknown function ${f}`),
    ...fields.filter((f) => !hasField(f)).map((f) => `unknown field ${f}`),
    ...(rule.errorDisplayField && !hasField(rule.errorDisplayField)
      ? [`unknown errorDisplayField ${rule.errorDisplayField}`]
      : []),
    ...(depth !== 0 ? ['unbalanced parentheses'] : []),
  ].map((problem) => `${object.name}.${rule.fullName}: ${problem}`);
}

describe('validation rules', () => {
  const rules = [...pkg.objects.values()].flatMap((object) => object.validationRules.map((rule) => ({ object, rule })));

  it('call known functions on fields of their object, with balanced parentheses', () => {
    expect(rules.length).toBe(7);
    expect(rules.flatMap(({ object, rule }) => ruleProblems(object, rule))).toEqual([]);
  });

  it('are caught referencing a missing field or an unknown function', () => {
    const coupon = pkg.objects.get('Quote_Stripe_Coupon__c') as SObjectSource;
    const broken: ValidationRule = {
      fullName: 'Broken',
      active: true,
      errorConditionFormula: "AND(ISBLNK(Percent_Of__c), Name__c = 'x'",
      errorDisplayField: 'Amount__c',
      errorMessage: 'x',
    };
    expect(ruleProblems(coupon, broken)).toEqual([
      'Quote_Stripe_Coupon__c.Broken: unknown function ISBLNK',
      'Quote_Stripe_Coupon__c.Broken: unknown field Percent_Of__c',
      'Quote_Stripe_Coupon__c.Broken: unknown errorDisplayField Amount__c',
      'Quote_Stripe_Coupon__c.Broken: unbalanced parentheses',
    ]);
  });

  it('give Quote_Stripe_Coupon__c the six rules of spec §2.8, all active, with their messages', () => {
    const couponRules = pkg.objects.get('Quote_Stripe_Coupon__c')?.validationRules ?? [];
    const byName = Object.fromEntries(couponRules.map((rule) => [rule.fullName, rule]));
    expect(Object.keys(byName).sort()).toEqual([
      'Discount_Locked_After_Sync',
      'Discount_Required',
      'Duration_In_Months_When_Repeating',
      'Duration_Locked_After_Sync',
      'Only_One_Discount',
      'Percent_Off_Range',
    ]);
    expect(couponRules.every((rule) => rule.active)).toBe(true);
    expect(byName.Only_One_Discount?.errorMessage).toBe(
      'Received both Percent_Off__c and Amount_Off__c parameters. Please pass in only one.',
    );
    expect(byName.Discount_Required?.errorMessage).toMatch(/^Must provide Percent_Off__c or Amount_Off__c/);
    expect(byName.Percent_Off_Range?.errorMessage).toMatch(/Percent_Off__c .*100/);
    // Percent fields are fractions in formulas: 100% is 1.
    expect(byName.Percent_Off_Range?.errorConditionFormula).toContain('Percent_Off__c > 1');
    expect(byName.Duration_In_Months_When_Repeating?.errorConditionFormula).toContain(
      "ISPICKVAL(Duration__c, 'repeating')",
    );
    for (const locked of ['Discount_Locked_After_Sync', 'Duration_Locked_After_Sync']) {
      expect(byName[locked]?.errorConditionFormula).toContain('NOT(ISBLANK(PRIORVALUE(Stripe_ID__c)))');
      expect(byName[locked]?.errorMessage).toContain('Create a new Quote Stripe Coupon instead.');
    }
  });

  it('require a sync request to name its order', () => {
    const [rule] = pkg.objects.get('Stripe_Sync_Request__c')?.validationRules ?? [];
    expect(rule?.errorConditionFormula).toBe('ISBLANK(Order__c)');
  });
});
