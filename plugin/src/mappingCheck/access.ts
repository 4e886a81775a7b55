/**
 * Whether the sync user sees every object and field the sync reads. A describe made as that user leaves
 * out what their permissions hide, so a field of the core's record models missing from the describe is a
 * permission (or licence) the user lacks: a finding naming it, the permission set to assign and the user.
 */
import { COLLECTIONS } from '../core/records/graph.js';
import { accessFix } from '../salesforce/access.js';
import { modelFieldsRead } from '../salesforce/graphReader.js';
import type { OrgSchema } from './orgSchema.js';
import type { CheckProblem } from './problems.js';

/** Objects the sync reads only when the org has them (the Apex copy of order coupons is optional). */
const OPTIONAL_OBJECTS = new Set(['Order_Stripe_Coupon__c']);

export function accessProblems(
  schema: OrgSchema,
  user: string,
  org: { readonly multiCurrency: boolean },
): CheckProblem[] {
  const problems: CheckProblem[] = [];
  for (const [model, object] of Object.values(COLLECTIONS)) {
    if (OPTIONAL_OBJECTS.has(object)) continue;
    if (!schema.object(object)) {
      problems.push(
        problem(
          user,
          object,
          '',
          `The sync user ${user} cannot read ${object} (no Read permission on the object, or no licence for it).`,
        ),
      );
      continue;
    }
    for (const field of modelFieldsRead(model, org)) {
      if (schema.field(object, field)) continue;
      problems.push(
        problem(
          user,
          object,
          field,
          `The sync user ${user} cannot read ${object}.${field}: its field-level security hides it (or the field does not exist in this org).`,
        ),
      );
    }
  }
  return problems;
}

function problem(user: string, object: string, field: string, message: string): CheckProblem {
  return {
    severity: 'error',
    recordType: 'User',
    record: user,
    field: field ? `${object}.${field}` : object,
    message,
    fix: accessFix({ permission: '', object, ...(field ? { field } : {}) }, user),
  };
}
