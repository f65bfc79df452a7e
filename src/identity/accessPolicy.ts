/**
 * ACCESS_POLICY: which app roles and Entra groups may use which subscriptions and resource groups. JSON, validated at
 * startup; `*` in a pattern matches any run of characters, and matching ignores case as Azure does for these names.
 *
 *   {"grants":[{"roles":["Aks.Provisioner"],"subscriptions":["1111…"],"resourceGroups":["rg-team-a-*"]}]}
 */
import { z } from "zod";
import type { Caller } from "./caller.js";

const pattern = z.string().min(1).max(200);
const grantSchema = z
  .object({
    roles: z.array(z.string().min(1)).default([]),
    groups: z.array(z.string().min(1)).default([]),
    subscriptions: z.array(pattern).min(1),
    resourceGroups: z.array(pattern).min(1),
  })
  .strict()
  .refine((grant) => grant.roles.length + grant.groups.length > 0, {
    message: "a grant names at least one role or group",
  });

export const accessPolicySchema = z.object({ grants: z.array(grantSchema).min(1) }).strict();
export type AccessPolicy = z.infer<typeof accessPolicySchema>;

/** Parses the app setting; the error names what is wrong so a bad deployment fails at start, not on a request. */
export function parseAccessPolicy(text: string): { ok: true; policy: AccessPolicy } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, message: "ACCESS_POLICY is not valid JSON" };
  }
  const parsed = accessPolicySchema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      message: `ACCESS_POLICY: ${parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ")}`,
    };
  }
  return { ok: true, policy: parsed.data };
}

export function globMatches(glob: string, value: string): boolean {
  const source = glob
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`, "i").test(value);
}

export interface ScopeDenial {
  /** The request field that names the scope ("resourceGroup", "network.vnet.id", …). */
  path: string;
  scope: string;
  message: string;
}

export type AccessDecision = { allowed: true } | { allowed: false; message: string; denials: ScopeDenial[] };

type Scope = Pick<AccessPolicy["grants"][number], "subscriptions" | "resourceGroups">;

/**
 * The scopes a caller holds: a key caller its key's own; a principal the ACCESS_POLICY grants of its roles and groups,
 * or null when there is no policy (then whoever App Service authentication lets in is not limited by one).
 */
export function grantsOf(policy: AccessPolicy | null, caller: Caller): Scope[] | null {
  if (caller.keyScope !== null) return [caller.keyScope];
  if (policy === null) return null;
  const groups = new Set(caller.groups.map((group) => group.toLowerCase()));
  return policy.grants.filter(
    (grant) =>
      grant.roles.some((role) => caller.roles.includes(role)) || grant.groups.some((g) => groups.has(g.toLowerCase())),
  );
}

/** Whether one of these grants covers the subscription and resource group. */
export function grantsCover(grants: Scope[], at: { subscriptionId: string; resourceGroup: string }): boolean {
  return grants.some(
    (grant) =>
      grant.subscriptions.some((glob) => globMatches(glob, at.subscriptionId)) &&
      grant.resourceGroups.some((glob) => globMatches(glob, at.resourceGroup)),
  );
}

/**
 * Whether `caller` may act in every scope the request touches (requestScopes.ts); a refusal lists each scope outside
 * the caller's grants with the field that names it. A key caller is bound by its key's scope, a principal by its
 * ACCESS_POLICY grants.
 */
export function checkAccess(
  policy: AccessPolicy | null,
  caller: Caller,
  scopes: { subscriptionId: string; resourceGroup: string; scope: string; fields: string[] }[],
): AccessDecision {
  const held = grantsOf(policy, caller);
  if (held === null) return { allowed: true };
  if (held.length === 0) {
    const message = `${caller.name} holds no app role or group that ACCESS_POLICY grants (roles: ${caller.roles.join(", ") || "none"})`;
    // Only principals reach here: a key always holds its own scope.
    return { allowed: false, message, denials: [{ path: "subscriptionId", scope: "", message }] };
  }
  const denials = scopes
    .filter((at) => !grantsCover(held, at))
    .map((at): ScopeDenial => {
      const path = at.fields[0] ?? "resourceGroup";
      const inSubscription = held.some((grant) => grant.subscriptions.some((g) => globMatches(g, at.subscriptionId)));
      return {
        path: path === "resourceGroup" && !inSubscription ? "subscriptionId" : path,
        scope: at.scope,
        message: `${caller.name} may not use ${
          inSubscription
            ? `resource group '${at.resourceGroup}' in subscription '${at.subscriptionId}'`
            : `subscription '${at.subscriptionId}'`
        }${path === "resourceGroup" ? "" : `, where ${path} puts resources`}`,
      };
    });
  if (denials.length === 0) return { allowed: true };
  return { allowed: false, message: denials.map((denial) => denial.message).join("; "), denials };
}
