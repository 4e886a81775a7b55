import { readFileSync } from 'node:fs';
import {
  CATALOGUE_PATH,
  generateCatalogue,
  generateResponses,
  renderGenerated,
  RESPONSES_PATH,
} from '../../../plugin/scripts/generateStripeParams.js';
import { bracketPath, lookupParam, paramsCatalogue, splitParamPath } from '../../../plugin/src/stripe/params/index.js';

describe('Stripe params catalogue (generated from stripe-node param types)', () => {
  it('is committed exactly as a fresh generation writes it, so it cannot go stale', () => {
    expect(readFileSync(CATALOGUE_PATH, 'utf8')).toBe(renderGenerated(generateCatalogue()));
  });

  it('has the response schemas committed exactly as a fresh generation writes them', () => {
    expect(readFileSync(RESPONSES_PATH, 'utf8')).toBe(renderGenerated(generateResponses()));
  });

  it("takes maxLength from Stripe's OpenAPI spec (customer name 256, coupon name 40, subscription description 500)", () => {
    expect(lookupParam('CustomerCreateParams', 'name')?.maxLength).toBe(256);
    expect(lookupParam('CouponCreateParams', 'name')?.maxLength).toBe(40);
    expect(lookupParam('SubscriptionUpdateParams', 'description')?.maxLength).toBe(500);
    expect(lookupParam('ProductCreateParams', 'statement_descriptor')?.maxLength).toBe(22);
  });

  it('is pinned to the API version stripe-node sends', () => {
    expect(paramsCatalogue.apiVersion).toBe('2026-10-28.endive');
  });

  it('knows nested paths, their required flag and enum values', () => {
    expect(lookupParam('PriceCreateParams', 'recurring.interval')).toEqual({
      required: true,
      kinds: ['enum'],
      values: ['day', 'month', 'week', 'year'],
    });
    expect(lookupParam('PriceCreateParams', 'currency')?.required).toBe(true);
    expect(lookupParam('SubscriptionScheduleUpdateParams', 'phases[0][items][3][price]')?.kinds).toEqual(['string']);
    expect(lookupParam('SubscriptionScheduleUpdateParams', 'phases[].end_date')?.values).toEqual(['now']);
  });

  it('rejects misspelt paths such as metdata.x and recuring.interval', () => {
    expect(lookupParam('PriceCreateParams', 'metdata.sfId')).toBeUndefined();
    expect(lookupParam('PriceCreateParams', 'recuring.interval')).toBeUndefined();
    expect(lookupParam('PriceCreateParams', 'recurring.intervall')).toBeUndefined();
  });

  it('accepts any key below a map (metadata) but not below a scalar', () => {
    expect(lookupParam('CustomerCreateParams', 'metadata.sfId')).toBeDefined();
    expect(lookupParam('CustomerCreateParams', 'metadata[Salesforce Id]')).toBeDefined();
    expect(lookupParam('CustomerCreateParams', 'email.x')).toBeUndefined();
  });

  it('does not offer parameters Stripe removed, e.g. phases[].iterations and phases[].coupon (basil/clover)', () => {
    expect(lookupParam('SubscriptionScheduleCreateParams', 'phases[].iterations')).toBeUndefined();
    expect(lookupParam('SubscriptionScheduleCreateParams', 'phases[].coupon')).toBeUndefined();
    expect(lookupParam('SubscriptionScheduleCreateParams', 'phases[].duration.interval')).toBeDefined();
  });

  it('splits and spells paths both ways', () => {
    expect(splitParamPath('phases[0][items][1].price')).toEqual(['phases', '[]', 'items', '[]', 'price']);
    expect(bracketPath(['phases', 0, 'items', 1, 'price'])).toBe('phases[0][items][1][price]');
  });
});
