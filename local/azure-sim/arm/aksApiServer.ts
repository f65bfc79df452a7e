/**
 * A managed cluster's API server access (apiServerAccessProfile), as AKS documents it:
 * - VNet integration (aks-docs api-server-vnet-integration.md): a BYO-VNet cluster names its API server subnet, which
 *   must be in the node subnet's VNet, at least /28, delegated to Microsoft.ContainerService/managedClusters and used
 *   by nothing but API servers; the cluster identity needs join rights on it. The RP's code for a bad subnet is
 *   ApiserverSubnetConfigError (AKS RP error-code list); the messages are this simulator's.
 * - Private clusters (private-clusters.md): a private FQDN in privatelink.<region>.azmk8s.io; the public FQDN stays
 *   unless enablePrivateClusterPublicFQDN is false (it then resolves to the private address). The admin kubeconfig
 *   names the private FQDN, which resolves only inside the VNet: a client outside it cannot connect.
 * - Authorized IP ranges (api-server-authorized-ip-ranges.md) restrict a public endpoint: not allowed with private.
 * Codes not quoted by a public source are InvalidParameter with the field as target, as elsewhere in this simulator.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { armError, type SimResponse } from "../http.js";
import { rangeOf } from "../kube/model.js";
import type { StoredResource } from "../state.js";
import { hasRole } from "./authorization.js";
import { ArmContext, networkContributor, props, text } from "./context.js";
import { validCidr } from "./network.js";

export const aksDelegation = "Microsoft.ContainerService/managedClusters";
const smallestSubnetPrefix = 28;

export interface ApiServerAccess {
  private: boolean;
  vnetIntegration: boolean;
  subnetId: string | null;
  authorizedIPRanges: string[];
  publicFqdn: boolean;
}

const invalid = (target: string, message: string, code = "InvalidParameter"): { error: SimResponse } => ({
  error: armError(400, code, message, { target, subcode: "" }),
});

const delegationsOf = (subnet: StoredResource) =>
  ((props(subnet).delegations as { properties?: { serviceName?: string } }[] | undefined) ?? []).map(
    (delegation) => delegation.properties?.serviceName ?? "",
  );

/** Validates the profile at the PUT, as AKS does before it starts anything. */
export function validateApiServerAccess(
  ctx: ArmContext,
  p: Record<string, unknown>,
  subnets: { nodeSubnetId: string; podSubnetId: string | null; vnetId: string },
  principalId: string,
): { error: SimResponse } | { access: ApiServerAccess } {
  const profile = (p.apiServerAccessProfile ?? {}) as Record<string, unknown>;
  const access: ApiServerAccess = {
    private: profile.enablePrivateCluster === true,
    vnetIntegration: profile.enableVnetIntegration === true,
    subnetId: typeof profile.subnetId === "string" && profile.subnetId !== "" ? profile.subnetId : null,
    authorizedIPRanges: Array.isArray(profile.authorizedIPRanges) ? profile.authorizedIPRanges.map(String) : [],
    publicFqdn: profile.enablePrivateClusterPublicFQDN !== false,
  };
  const badRange = access.authorizedIPRanges.find((range) => !validCidr(range.includes("/") ? range : `${range}/32`));
  if (badRange !== undefined)
    return invalid(
      "apiServerAccessProfile.authorizedIPRanges",
      `The authorized IP range '${badRange}' is not a valid IPv4 CIDR.`,
    );
  if (access.private && access.authorizedIPRanges.length > 0)
    return invalid(
      "apiServerAccessProfile.authorizedIPRanges",
      "API server authorized IP ranges are not supported for private clusters: a private API server has no public endpoint to restrict.",
    );
  if (!access.vnetIntegration) {
    if (access.subnetId !== null)
      return invalid(
        "apiServerAccessProfile.subnetId",
        "apiServerAccessProfile.subnetId can only be set when enableVnetIntegration is true.",
      );
    return { access };
  }
  if (access.subnetId === null)
    return invalid(
      "apiServerAccessProfile.subnetId",
      "apiServerAccessProfile.subnetId is required for API Server VNet Integration in a custom (BYO) virtual network.",
    );
  const subnetId = access.subnetId;
  const subnet = ctx.state.get(subnetId);
  if (subnet === undefined)
    return {
      error: armError(
        400,
        "InvalidResourceReference",
        `Resource ${subnetId} referenced by resource apiServerAccessProfile.subnetId was not found.`,
        {
          subcode: "",
        },
      ),
    };
  const configError = (message: string) =>
    invalid("apiServerAccessProfile.subnetId", message, "ApiserverSubnetConfigError");
  if (!subnetId.toLowerCase().startsWith(`${subnets.vnetId.toLowerCase()}/subnets/`))
    return configError(
      `The API server subnet ${subnetId} must be in the same virtual network as the agent pool subnet ${subnets.nodeSubnetId}.`,
    );
  if ([subnets.nodeSubnetId, subnets.podSubnetId].some((id) => id?.toLowerCase() === subnetId.toLowerCase()))
    return configError(
      `The API server subnet ${subnetId} cannot be an agent pool's node or pod subnet: it must be used by API servers only.`,
    );
  const usedByPools = [...ctx.state.aks.values()].some((other) =>
    [other.network.nodeSubnetId, other.network.podSubnetId].some((id) => id?.toLowerCase() === subnetId.toLowerCase()),
  );
  if (usedByPools)
    return configError(
      `The API server subnet ${subnetId} is used by another cluster's agent pool; it must be used by API servers only.`,
    );
  const cidr = String(props(subnet).addressPrefix);
  if (Number(cidr.split("/")[1]) > smallestSubnetPrefix)
    return configError(
      `The API server subnet ${subnetId} (${cidr}, ${rangeOf(cidr).size} addresses) is too small: the minimum size is /${smallestSubnetPrefix}.`,
    );
  const services = delegationsOf(subnet);
  if (!services.some((service) => service.toLowerCase() === aksDelegation.toLowerCase()))
    return configError(
      `The API server subnet ${subnetId} must be delegated to ${aksDelegation}${services.length === 0 ? "" : ` (it is delegated to ${services.join(", ")})`}.`,
    );
  // Like the node subnet: AKS writes the API server's internal load balancer into it with the cluster identity.
  if (!hasRole(ctx, subnetId, networkContributor, principalId))
    return {
      error: armError(
        403,
        "LinkedAuthorizationFailed",
        `The client '${principalId}' with object id '${principalId}' does not have permission to perform action 'Microsoft.Network/virtualNetworks/subnets/join/action' on the linked scope(s) '${subnetId}' or the linked scope(s) are invalid.`,
      ),
    };
  return { access };
}

/** The profile and FQDN fields a cluster body carries for this access; public clusters without ranges carry none. */
export function accessFields(
  access: ApiServerAccess,
  dnsPrefix: string,
  location: string,
  fqdn: string,
): Record<string, unknown> {
  const profile: Record<string, unknown> = {
    ...(access.authorizedIPRanges.length > 0 ? { authorizedIPRanges: access.authorizedIPRanges } : {}),
    enablePrivateCluster: access.private,
    ...(access.private ? { privateDNSZone: "system", enablePrivateClusterPublicFQDN: access.publicFqdn } : {}),
    ...(access.vnetIntegration ? { enableVnetIntegration: true, subnetId: access.subnetId } : {}),
  };
  if (!access.private)
    return access.vnetIntegration || access.authorizedIPRanges.length > 0 ? { apiServerAccessProfile: profile } : {};
  const privateFQDN = `${dnsPrefix}-${randomBytes(4).toString("hex")}.${randomUUID()}.privatelink.${location}.azmk8s.io`;
  return {
    apiServerAccessProfile: profile,
    privateFQDN,
    ...(access.publicFqdn ? { fqdn } : { fqdn: undefined, azurePortalFQDN: undefined }),
  };
}

/** The address a kubeconfig names: the private FQDN for a private cluster (resolvable only inside its VNet). */
export function kubeconfigServer(cluster: StoredResource): string | null {
  const p = props(cluster);
  const profile = (p.apiServerAccessProfile ?? {}) as Record<string, unknown>;
  return profile.enablePrivateCluster === true ? `https://${text(p.privateFQDN, "")}:443` : null;
}
