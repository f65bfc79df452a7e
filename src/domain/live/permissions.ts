/**
 * Azure RBAC's action matching, as Microsoft.Authorization/permissions reports it: each entry is one role's actions
 * minus its notActions, entries add up, `*` matches any run of characters and matching ignores case
 * (learn.microsoft.com/azure/role-based-access-control/role-definitions#actions).
 */
import type { PermissionSet } from "./facts.js";

function wildcard(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`, "i");
}

const matchesAny = (patterns: string[], action: string) => patterns.some((pattern) => wildcard(pattern).test(action));

export function actionAllowed(action: string, permissions: PermissionSet[]): boolean {
  return permissions.some((entry) => matchesAny(entry.actions, action) && !matchesAny(entry.notActions, action));
}
