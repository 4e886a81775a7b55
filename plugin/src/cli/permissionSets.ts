/**
 * Permission set assignment after a deploy: every named set to every named user, skipping pairs that
 * already exist (re-running the deploy is safe): one composite call to read, one sObject Collections call
 * to assign — through the product's Salesforce client, which counts each call.
 */
import type { Messages } from '@salesforce/core';
import type { SalesforceClient } from '../salesforce/client.js';
import { soqlStringList } from '../salesforce/soql.js';

export type PermissionSetAssignmentResult = {
  permissionSet: string;
  username: string;
  status: 'assigned' | 'already assigned';
};

type Named = { Id: string; Name: string };
type UserRow = { Id: string; Username: string };
type Assignment = { AssigneeId: string; PermissionSetId: string };

export async function assignPermissionSets(
  salesforce: SalesforceClient,
  permissionSets: readonly string[],
  usernames: readonly string[],
  messages: Messages<string>,
): Promise<PermissionSetAssignmentResult[]> {
  // One composite call: the assignments held already are found by name, so they need no ids first.
  const answers = await salesforce.queries({
    sets: `SELECT Id, Name FROM PermissionSet WHERE Name IN ${soqlStringList(permissionSets)}`,
    users: `SELECT Id, Username FROM User WHERE Username IN ${soqlStringList(usernames)} AND IsActive = true`,
    existing: `SELECT AssigneeId, PermissionSetId FROM PermissionSetAssignment WHERE Assignee.Username IN ${soqlStringList(usernames)} AND PermissionSet.Name IN ${soqlStringList(permissionSets)}`,
  });
  const sets = (answers.sets ?? []) as Named[];
  const users = (answers.users ?? []) as UserRow[];
  const existing = (answers.existing ?? []) as Assignment[];
  const setByName = new Map(sets.map((s) => [s.Name.toLowerCase(), s]));
  const userByName = new Map(users.map((u) => [u.Username.toLowerCase(), u]));
  const missingSet = permissionSets.find((name) => !setByName.has(name.toLowerCase()));
  if (missingSet) throw messages.createError('error.PermissionSetMissing', [missingSet], [permissionSets.join(', ')]);
  const missingUser = usernames.find((name) => !userByName.has(name.toLowerCase()));
  if (missingUser) throw messages.createError('error.UserMissing', [missingUser]);

  const held = new Set(existing.map((a) => `${a.AssigneeId}:${a.PermissionSetId}`));
  const results: PermissionSetAssignmentResult[] = [];
  const toCreate: Assignment[] = [];
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
