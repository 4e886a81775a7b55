/**
 * What the sync user needs and where it comes from (README, "The relay user"): the package's
 * Stripe_CPQ_Integration_User permission set for standard objects and fields and the package's own, and
 * CPQ's SteelBrickCPQUser permission set (on the Salesforce CPQ licence) for CPQ's SBQQ objects and fields.
 * Salesforce reports a missing permission as if the object or field did not exist; this turns such an
 * answer into one that names the permission, the permission set to assign and the user.
 */

export const INTEGRATION_PERMISSION_SET = 'Stripe_CPQ_Integration_User';
export const CPQ_PERMISSION_SET = 'SteelBrickCPQUser';
export const CPQ_LICENSE = 'SalesforceCPQ_CPQStandardPerm';

/** What an error says the user may not do. */
export interface AccessProblem {
  readonly permission: string;
  readonly object?: string;
  readonly field?: string;
}

/** The permission set that grants access to `object` (and `field`). */
export function permissionSetFor(object: string | undefined, field?: string): string {
  const managed = (name: string | undefined) => name?.startsWith('SBQQ__') === true;
  if (managed(field) || (managed(object) && !/^SBQQ__OrderItemConsumption(Schedule|Rate)__c$/.test(object ?? ''))) {
    return `${CPQ_PERMISSION_SET} (Salesforce CPQ's; assign the permission set licence ${CPQ_LICENSE} first)`;
  }
  return INTEGRATION_PERMISSION_SET;
}

/** The fix for an access problem, naming the permission set and the user. */
export function accessFix(problem: AccessProblem, user: string): string {
  return `Assign the permission set ${permissionSetFor(problem.object, problem.field)} to the sync user ${user}; a custom field a mapping reads needs read access granted to that user too.`;
}

/**
 * The access problem a Salesforce error code and message describe, or undefined for any other error:
 * INVALID_TYPE / INVALID_FIELD (an object or field the user cannot see), INSUFFICIENT_ACCESS_OR_READONLY
 * and INVALID_FIELD_FOR_INSERT_UPDATE (a write the user may not make), API_CURRENTLY_DISABLED.
 */
export function accessProblemOf(
  errorCode: string | undefined,
  message: string,
  fields: readonly string[] = [],
): AccessProblem | undefined {
  switch (errorCode) {
    case 'INVALID_TYPE': {
      const object = /sObject type '([^']+)'/.exec(message)?.[1];
      return object ? { permission: `Read on ${object}`, object } : undefined;
    }
    case 'INVALID_FIELD': {
      const column = /No such column '([^']+)' on (?:entity '|sobject of type )([\w]+)/.exec(message);
      return column
        ? {
            permission: `read access (field-level security) to ${column[2] ?? ''}.${column[1] ?? ''}`,
            object: column[2],
            field: column[1],
          }
        : undefined;
    }
    case 'INVALID_FIELD_FOR_INSERT_UPDATE':
      return {
        permission: `edit access (field-level security) to ${fields.join(', ') || 'the fields written'}`,
        ...(fields[0] ? { field: fields[0] } : {}),
      };
    case 'INSUFFICIENT_ACCESS_OR_READONLY':
      return {
        permission:
          'the object permission to write the record, or Edit Activated Orders (EditActivatedOrders) for an activated order',
      };
    case 'API_CURRENTLY_DISABLED':
      return { permission: 'API Enabled (ApiEnabled)' };
    default:
      return undefined;
  }
}
