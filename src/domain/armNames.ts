/**
 * ARM naming rules as zod validators (learn.microsoft.com "Naming rules and restrictions for Azure resources"), and
 * the parsing of the ARM resource ids a request may reference. Each failure carries the stable code `invalid-name`.
 */
import { z } from "zod";

/**
 * A string checked by a pattern. The refinement carries the API's own code and message; the pattern is also put in
 * the generated JSON Schema (which cannot express a refinement), so a portal's form refuses what the API refuses.
 */
function matching(pattern: RegExp, message: string, code: string) {
  return z
    .string()
    .refine((value) => pattern.test(value), { message, params: { code } })
    .meta({ pattern: pattern.source });
}

function named(label: string, pattern: RegExp, rule: string) {
  return matching(pattern, `${label} ${rule}`, "invalid-name");
}

/** JSON Schema patterns have no flags: spell a literal so that it matches in any case, as the `i` flag would. */
function anyCase(literal: string): string {
  return literal.replace(/[a-z]/gi, (letter) => `[${letter.toLowerCase()}${letter.toUpperCase()}]`);
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

export const guid = matching(
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  "subscriptionId must be a GUID",
  "invalid-subscription-id",
);

export const location = matching(
  /^[a-z][a-z0-9]{2,39}$/,
  "location must be an Azure region name such as eastus2 (lower-case, no spaces)",
  "invalid-location",
);

export const feature = matching(
  /^[A-Za-z][A-Za-z0-9.]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/,
  "feature must be '<ProviderNamespace>/<FeatureName>', e.g. Microsoft.ContainerService/AzureServiceMeshPreview",
  "invalid-feature-name",
);

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
  const literal = (text: string) => anyCase(text).replaceAll(".", "\\.");
  return new RegExp(
    `^/${literal("subscriptions")}/([0-9a-fA-F-]{36})/${literal("resourceGroups")}/([^/]+)/` +
      `${literal("providers")}/${literal("Microsoft.Network")}/${literal(type)}/([^/]+)$`,
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
  return matching(
    idPattern(type),
    `id must be an ARM id (/subscriptions/…/resourceGroups/…/providers/Microsoft.Network/${type}/…)`,
    "invalid-resource-id",
  );
}
