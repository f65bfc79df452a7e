/**
 * What a live what-if read from Azure, as plain data: the check functions (checkTable.ts) are pure functions of the
 * request and these facts, so they are tested without Azure. Each read either succeeded or failed with ARM's code; a
 * failed read turns into a warning on the checks that needed it, never into a guess.
 */

export type Read<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

/** One row of Microsoft.Compute `locations/{location}/usages` (name.value is the quota's key, e.g. standardDSv5Family). */
export interface ComputeUsage {
  name: string;
  localizedName: string;
  currentValue: number;
  /** -1 when the quota has no limit. */
  limit: number;
}

export interface ExistingSubnet {
  name: string;
  id: string;
  addressPrefixes: string[];
}

export interface ExistingVnet {
  id: string;
  addressPrefixes: string[];
  subnets: ExistingSubnet[];
}

/** One entry of Microsoft.Authorization/permissions: what one role assignment allows the caller at the scope. */
export interface PermissionSet {
  actions: string[];
  notActions: string[];
}

/**
 * Where permissions were read, one per scope the request touches (requestScopes.ts): the resource group, or its
 * subscription when the group does not exist yet.
 */
export interface PermissionsAt {
  /** The touched scope's key (scopeKey): subscription id / resource group, lower case. */
  target: string;
  scope: string;
  read: Read<PermissionSet[]>;
}

export interface LiveFacts {
  usages: Read<ComputeUsage[]>;
  /** null: no VNet of that name in that resource group. */
  vnet: Read<ExistingVnet | null>;
  resourceGroupExists: Read<boolean>;
  /** Microsoft.ContainerService's registration state in the subscription. */
  provider: Read<string>;
  /** Per requested feature: its state, "NotNeeded" when ARM no longer knows the flag (it went GA). */
  features: { feature: string; state: Read<string> }[];
  permissions: PermissionsAt[];
}

export type LiveStatus = "ok" | "warning" | "error";

export interface LiveCheck {
  code: string;
  /** Dotted JSON path into the request the finding is about ("" for the request as a whole). */
  path: string;
  status: LiveStatus;
  message: string;
  family?: string;
  needed?: number;
  used?: number;
  limit?: number;
  available?: number;
  addressPrefixes?: string[];
  conflicts?: { id: string; name: string; addressPrefix: string }[];
  action?: string;
  scope?: string;
  state?: string;
  armCode?: string;
}

/** A read that failed is reported once per check that needed it: the live plan is incomplete, not wrong. */
export function readFailed(
  code: string,
  path: string,
  what: string,
  read: { code: string; message: string },
): LiveCheck {
  return {
    code,
    path,
    status: "warning",
    message: `could not read ${what} (${read.code}: ${read.message}); not checked`,
    armCode: read.code,
  };
}
