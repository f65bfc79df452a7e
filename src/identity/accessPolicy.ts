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

export type AccessDecision =
  { allowed: true } | { allowed: false; path: "subscriptionId" | "resourceGroup"; message: string };

/** Whether `caller` may act on this subscription and resource group; machine callers are not policy-bound. */
export function checkAccess(
  policy: AccessPolicy | null,
  caller: Caller,
  subscriptionId: string,
  resourceGroup: string,
): AccessDecision {
  if (policy === null || caller.kind === "machine") return { allowed: true };
  const groups = new Set(caller.groups.map((group) => group.toLowerCase()));
  const held = policy.grants.filter(
    (grant) =>
      grant.roles.some((role) => caller.roles.includes(role)) || grant.groups.some((g) => groups.has(g.toLowerCase())),
  );
  if (held.length === 0) {
    return {
      allowed: false,
      path: "subscriptionId",
      message: `${caller.name} holds no app role or group that ACCESS_POLICY grants (roles: ${caller.roles.join(", ") || "none"})`,
    };
  }
  const inSubscription = held.filter((grant) => grant.subscriptions.some((glob) => globMatches(glob, subscriptionId)));
  if (inSubscription.length === 0) {
    return {
      allowed: false,
      path: "subscriptionId",
      message: `${caller.name} may not use subscription '${subscriptionId}'`,
    };
  }
  if (!inSubscription.some((grant) => grant.resourceGroups.some((glob) => globMatches(glob, resourceGroup)))) {
    return {
      allowed: false,
      path: "resourceGroup",
      message: `${caller.name} may not use resource group '${resourceGroup}' in subscription '${subscriptionId}'`,
    };
  }
  return { allowed: true };
}
