/**
 * ARM naming rules as zod validators (learn.microsoft.com "Naming rules and restrictions for Azure resources"), and
 * the parsing of the ARM resource ids a request may reference. Each failure carries the stable code `invalid-name`.
 */
import { z } from "zod";

function named(label: string, pattern: RegExp, rule: string) {
  return z
    .string()
    .refine((value) => pattern.test(value), { message: `${label} ${rule}`, params: { code: "invalid-name" } });
}

export const armNames = {
  resourceGroup: named(
    "resource group name",
    /^[-\w.()]{1,89}[-\w()]$|^[-\w()]$/u,
    "must be 1-90 letters, digits, '-', '_', '.', '(', ')' and not end in '.'",
  ),
  cluster: named(
    "cluster name",
    /^[a-zA-Z0-9]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9])?$/,
    "must be 1-63 letters, digits, '_' and '-', starting and ending with a letter or digit",
  ),
  vnet: named(
    "VNet name",
    /^[a-zA-Z0-9]([a-zA-Z0-9_.-]{0,62}[a-zA-Z0-9_])?$/,
    "must be 2-64 letters, digits, '_', '.', '-', starting with a letter or digit and ending with a letter, digit or '_'",
  ),
  subnet: named(
    "subnet name",
    /^[a-zA-Z0-9]([a-zA-Z0-9_.-]{0,78}[a-zA-Z0-9_])?$/,
    "must be 1-80 letters, digits, '_', '.', '-', starting with a letter or digit and ending with a letter, digit or '_'",
  ),
  // NAT gateways and route tables share the 1-80 network-resource rule.
  networkResource: named(
    "name",
    /^[a-zA-Z0-9]([a-zA-Z0-9_.-]{0,78}[a-zA-Z0-9_])?$/,
    "must be 1-80 letters, digits, '_', '.', '-', starting with a letter or digit and ending with a letter, digit or '_'",
  ),
  identity: named(
    "identity name",
    /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$/,
    "must be 3-128 letters, digits, '-' and '_', starting with a letter or digit",
  ),
  nodePool: named(
    "node pool name",
    /^[a-z][a-z0-9]{0,11}$/,
    "must be 1-12 lower-case letters and digits, starting with a letter",
  ),
  dnsPrefix: named(
    "DNS prefix",
    /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,52}[a-zA-Z0-9])?$/,
    "must be 1-54 letters, digits and '-', starting and ending with a letter or digit",
  ),
};

export const guid = z
  .string()
  .refine((value) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value), {
    message: "subscriptionId must be a GUID",
    params: { code: "invalid-subscription-id" },
  });

export const location = z.string().refine((value) => /^[a-z][a-z0-9]{2,39}$/.test(value), {
  message: "location must be an Azure region name such as eastus2 (lower-case, no spaces)",
  params: { code: "invalid-location" },
});

export const feature = z.string().refine((value) => /^[A-Za-z][A-Za-z0-9.]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(value), {
  message:
    "feature must be '<ProviderNamespace>/<FeatureName>', e.g. Microsoft.ContainerService/AzureServiceMeshPreview",
  params: { code: "invalid-feature-name" },
});

/** A network resource the request references by id: where it lives, which may be another subscription. */
export interface ResourceIdParts {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

export const networkResourceTypes = {
  vnet: "virtualNetworks",
  natGateway: "natGateways",
  routeTable: "routeTables",
} as const;

function idPattern(type: string): RegExp {
  return new RegExp(
    `^/subscriptions/([0-9a-f-]{36})/resourceGroups/([^/]+)/providers/Microsoft\\.Network/${type}/([^/]+)$`,
    "i",
  );
}

export function parseNetworkResourceId(
  id: string,
  type: (typeof networkResourceTypes)[keyof typeof networkResourceTypes],
): ResourceIdParts | null {
  const match = idPattern(type).exec(id);
  if (match === null) return null;
  const [, subscriptionId = "", resourceGroup = "", name = ""] = match;
  return { subscriptionId: subscriptionId.toLowerCase(), resourceGroup, name };
}

export function networkResourceId(
  type: (typeof networkResourceTypes)[keyof typeof networkResourceTypes],
): z.ZodType<string> {
  return z.string().refine((value) => parseNetworkResourceId(value, type) !== null, {
    message: `id must be an ARM id (/subscriptions/…/resourceGroups/…/providers/Microsoft.Network/${type}/…)`,
    params: { code: "invalid-resource-id" },
  });
}
