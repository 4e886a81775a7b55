/**
 * Permission set assignment after a deploy: every named set to every named user, skipping pairs that
 * already exist (re-running the deploy is safe), in one sObject Collections call — through the product's
 * Salesforce client, which counts each call.
 */
import type { Messages } from '@salesforce/core';
import type { SalesforceClient } from '../salesforce/client.js';
import { soqlIdList, soqlStringList } from '../salesforce/soql.js';

export type PermissionSetAssignmentResult = {
  permissionSet: string;
  username: string;
  status: 'assigned' | 'already assigned';
};

type Named = { Id: string; Name: string };
type UserRow = { Id: string; Username: string };

export async function assignPermissionSets(
  salesforce: SalesforceClient,
  permissionSets: readonly string[],
  usernames: readonly string[],
  messages: Messages<string>,
): Promise<PermissionSetAssignmentResult[]> {
  const [sets, users] = await Promise.all([
    salesforce.query<Named>(`SELECT Id, Name FROM PermissionSet WHERE Name IN ${soqlStringList(permissionSets)}`),
    salesforce.query<UserRow>(
      `SELECT Id, Username FROM User WHERE Username IN ${soqlStringList(usernames)} AND IsActive = true`,
    ),
  ]);
  const setByName = new Map(sets.map((s) => [s.Name.toLowerCase(), s]));
  const userByName = new Map(users.map((u) => [u.Username.toLowerCase(), u]));
  const missingSet = permissionSets.find((name) => !setByName.has(name.toLowerCase()));
  if (missingSet) throw messages.createError('error.PermissionSetMissing', [missingSet], [permissionSets.join(', ')]);
  const missingUser = usernames.find((name) => !userByName.has(name.toLowerCase()));
  if (missingUser) throw messages.createError('error.UserMissing', [missingUser]);

  const existing = await salesforce.query<{ AssigneeId: string; PermissionSetId: string }>(
    `SELECT AssigneeId, PermissionSetId FROM PermissionSetAssignment WHERE AssigneeId IN ${soqlIdList(users.map((u) => u.Id))} AND PermissionSetId IN ${soqlIdList(sets.map((s) => s.Id))}`,
  );
  const held = new Set(existing.map((a) => `${a.AssigneeId}:${a.PermissionSetId}`));
  const results: PermissionSetAssignmentResult[] = [];
  const toCreate: Array<{ AssigneeId: string; PermissionSetId: string }> = [];
  for (const setName of permissionSets) {
    const set = setByName.get(setName.toLowerCase()) as Named;
    for (const username of usernames) {
      const user = userByName.get(username.toLowerCase()) as UserRow;
      const already = held.has(`${user.Id}:${set.Id}`);
      if (!already) toCreate.push({ AssigneeId: user.Id, PermissionSetId: set.Id });
      results.push({
        permissionSet: set.Name,
        username: user.Username,
        status: already ? 'already assigned' : 'assigned',
      });
    }
  }
  if (toCreate.length > 0) {
    const saved = await salesforce.createRecords('PermissionSetAssignment', toCreate, true);
    const failed = saved.find((s) => !s.success);
    if (failed) throw messages.createError('error.AssignmentFailed', [failed.errors.map((e) => e.message).join('; ')]);
  }
  return results;
}
