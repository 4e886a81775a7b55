/**
 * The org's currency setup, learnt with the configuration read (the Organization row it already
 * queries), so a sync pays no extra call for it. `CurrencyIsoCode` exists only when multiple
 * currencies are enabled (Help, "Enable Multiple Currencies"; Object Reference, Organization
 * IsMultiCurrencyOrganization): selecting it in a single-currency org fails with INVALID_FIELD, and there
 * every amount is in the corporate currency (Organization.DefaultCurrencyIsoCode).
 */
import type { Settings } from '../core/settings.js';

export interface OrgCurrency {
  /** Multiple currencies enabled: records carry CurrencyIsoCode. */
  readonly multiCurrency: boolean;
  /** The corporate currency, upper-case ISO code. */
  readonly corporateCurrency: string;
}

/** The Organization fields to add to the configuration read's `SELECT … FROM Organization`. */
export const ORGANIZATION_CURRENCY_FIELDS = ['IsMultiCurrencyOrganization', 'DefaultCurrencyIsoCode'] as const;

export function orgCurrencyOf(organization: Readonly<Record<string, unknown>> | undefined): OrgCurrency {
  const code = organization?.DefaultCurrencyIsoCode;
  return {
    multiCurrency: organization?.IsMultiCurrencyOrganization === true,
    corporateCurrency: typeof code === 'string' && code ? code : 'USD',
  };
}

/**
 * The settings as the org allows them: a single-currency org prices in its corporate currency (its
 * records have no currency of their own, so Multi_Currency__c cannot apply); a multi-currency org
 * falls back to the corporate currency when Default_Currency__c is empty.
 */
export function withOrgCurrency(settings: Settings, currency: OrgCurrency, defaultCurrencySet: boolean): Settings {
  if (!currency.multiCurrency)
    return { ...settings, multiCurrency: false, defaultCurrency: currency.corporateCurrency };
  return defaultCurrencySet ? settings : { ...settings, defaultCurrency: currency.corporateCurrency };
}
