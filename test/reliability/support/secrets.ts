// Where a secret could leak to after a sync — log lines, process output, Sync Records, the Order's
// message and fix, the sync requests' messages — and a scan of them for secrets, whole or in part.
import type { SalesforceEmulator } from '@stripe-cpq/salesforce-org-emulator';

/** Every record a sync writes its outcome to, in full. */
export function outcomeTexts(org: Pick<SalesforceEmulator, 'store'>): string[] {
  return ['Stripe_Sync_Record__c', 'Stripe_Sync_Request__c', 'Order'].flatMap((sobject) =>
    [...org.store.all(sobject)].map((record) => JSON.stringify(record)),
  );
}

/** The secrets found in `texts`: whole, or their last 12 characters (a truncated or masked copy). */
export function leakedSecrets(texts: readonly string[], secrets: readonly string[]): string[] {
  const everything = texts.join('\n');
  return secrets.filter((secret) => everything.includes(secret) || everything.includes(secret.slice(-12)));
}
