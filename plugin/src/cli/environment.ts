/**
 * What `sync` and `relay start` read besides their flags: the Stripe key from the environment (never a
 * flag, so it stays out of shell history), an optional Stripe API base for local mode; and Order IDs in one form.
 */
import { Messages } from '@salesforce/core';
import { toId18 } from '../core/records/salesforceIds.js';
import type { EngineOptions } from './engine.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-stripe-cpq', 'shared');

export function stripeSettingsFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
): Pick<EngineOptions, 'stripeApiKey' | 'stripeApiBase'> {
  const stripeApiKey = env.STRIPE_API_KEY?.trim();
  if (!stripeApiKey) throw messages.createError('error.MissingStripeKey');
  if (!/^(sk|rk)_(test|live)_\w+$/.test(stripeApiKey)) throw messages.createError('error.InvalidStripeKey');
  const stripeApiBase = env.STRIPE_API_BASE?.trim();
  return { stripeApiKey, ...(stripeApiBase ? { stripeApiBase } : {}) };
}

/** Order IDs (already checked by Flags.salesforceId) in 18-character form, each once. */
export function orderIds(values: readonly string[]): string[] {
  return [...new Set(values.map(toId18))];
}
