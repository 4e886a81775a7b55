// Faults aimed at one call of an order sync, for the tests of what a crash at that point leaves behind.
import type { FaultSpec } from '@stripe-cpq/salesforce-org-emulator/faults.js';

/**
 * Salesforce unavailable for the sync's write-back: the one all-or-none `composite` call (syncWriter.ts)
 * with the Sync Records, the Stripe IDs and the Order's Stripe_Last_Sync__c, which no other call writes.
 */
export const WRITE_BACK_OUTAGE: FaultSpec = {
  code: 'SERVER_UNAVAILABLE',
  method: 'POST',
  path: '/composite',
  body: 'Stripe_Last_Sync__c',
  times: 1,
};
