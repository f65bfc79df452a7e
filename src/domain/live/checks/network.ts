/**
 * The VNet as it is in Azure: an existing VNet (`vnet.id`) must be there, and every requested subnet must fit its
 * real address space and stay clear of the subnets already in it — what the offline planner cannot see. A subnet
 * that exists under the requested name with the requested prefix is reused, as the run does (activities/network.ts).
 */
import type { ClusterRequest, SubnetSpec } from "../../clusterRequest.js";
import { contains, overlaps, parseAnyCidr, type AnyCidr } from "../../cidr.js";
import { readFailed, type ExistingVnet, type LiveCheck, type LiveFacts } from "../facts.js";

interface Wanted {
  path: string;
  subnet: SubnetSpec;
}

/** Every subnet the request names, once per name (a pool without its own subnets shares the cluster's). */
export function requestedSubnets(request: ClusterRequest): Wanted[] {
  const network = request.network;
  const candidates: (Wanted | null)[] = [
    { path: "network.nodeSubnet", subnet: network.nodeSubnet },
    network.podSubnet === null ? null : { path: "network.podSubnet", subnet: network.podSubnet },
    network.apiServerSubnet === null ? null : { path: "network.apiServerSubnet", subnet: network.apiServerSubnet },
    ...request.nodePools.flatMap((pool, index) => [
      { path: `nodePools.${index}.nodeSubnet`, subnet: pool.nodeSubnet },
      pool.podSubnet === null ? null : { path: `nodePools.${index}.podSubnet`, subnet: pool.podSubnet },
    ]),
  ];
  const seen = new Set<string>();
  return candidates.filter((wanted): wanted is Wanted => {
    if (wanted === null || seen.has(wanted.subnet.name.toLowerCase())) return false;
    seen.add(wanted.subnet.name.toLowerCase());
    return true;
  });
}

const cidr = (text: string): AnyCidr | null => {
  const parsed = parseAnyCidr(text);
  return parsed.ok ? parsed.cidr : null;
};

function prefixesOf(subnet: SubnetSpec): string[] {
  return [subnet.addressPrefix, ...(subnet.ipv6AddressPrefix === undefined ? [] : [subnet.ipv6AddressPrefix])];
}

function subnetCheck(wanted: Wanted, vnet: ExistingVnet): LiveCheck {
  const { path, subnet } = wanted;
  const sameName = vnet.subnets.find((existing) => existing.name.toLowerCase() === subnet.name.toLowerCase());
  if (sameName !== undefined) {
    const matches = sameName.addressPrefixes.includes(subnet.addressPrefix);
    return matches
      ? {
          code: "subnet-exists",
          path,
          status: "ok",
          message: `subnet ${subnet.name} exists with ${subnet.addressPrefix}; it is reused`,
        }
      : {
          code: "subnet-prefix-mismatch",
          path: `${path}.addressPrefix`,
          status: "error",
          message: `subnet ${subnet.name} exists with ${sameName.addressPrefixes.join(", ")}, the request says ${subnet.addressPrefix}`,
          addressPrefixes: sameName.addressPrefixes,
          conflicts: sameName.addressPrefixes.map((addressPrefix) => ({
            id: sameName.id,
            name: sameName.name,
            addressPrefix,
          })),
        };
  }
  const space = vnet.addressPrefixes.map(cidr).filter((range): range is AnyCidr => range !== null);
  const outside = prefixesOf(subnet).filter((text) => {
    const range = cidr(text);
    return range !== null && !space.some((prefix) => contains(prefix, range));
  });
  if (outside.length > 0) {
    return {
      code: "subnet-outside-existing-vnet",
      path: `${path}.addressPrefix`,
      status: "error",
      message: `${outside.join(", ")} is outside the VNet's address space ${vnet.addressPrefixes.join(", ")}`,
      addressPrefixes: vnet.addressPrefixes,
    };
  }
  const conflicts = vnet.subnets.flatMap((existing) =>
    existing.addressPrefixes
      .filter((text) => {
        const theirs = cidr(text);
        return (
          theirs !== null &&
          prefixesOf(subnet).some((mine) => {
            const ours = cidr(mine);
            return ours !== null && overlaps(ours, theirs);
          })
        );
      })
      .map((addressPrefix) => ({ id: existing.id, name: existing.name, addressPrefix })),
  );
  if (conflicts.length > 0) {
    return {
      code: "subnet-conflicts-existing",
      path: `${path}.addressPrefix`,
      status: "error",
      message: `${subnet.addressPrefix} overlaps existing ${conflicts.map((c) => `${c.name} (${c.addressPrefix})`).join(", ")}`,
      conflicts,
    };
  }
  return {
    code: "subnet-fits",
    path,
    status: "ok",
    message: `${subnet.addressPrefix} fits the VNet and overlaps no existing subnet`,
  };
}

export function existingNetwork(request: ClusterRequest, facts: LiveFacts): LiveCheck[] {
  const { vnet } = request.network;
  const path = vnet.existing ? "network.vnet.id" : "network.vnet";
  if (!facts.vnet.ok) return [readFailed("vnet", path, `VNet ${vnet.name}`, facts.vnet)];
  const found = facts.vnet.value;
  if (found === null) {
    return vnet.existing
      ? [
          {
            code: "vnet-not-found",
            path,
            status: "error",
            message: `VNet ${vnet.name} was not found in resource group ${vnet.resourceGroup}`,
          },
        ]
      : [{ code: "vnet", path, status: "ok", message: `VNet ${vnet.name} does not exist yet; the run creates it` }];
  }
  const differs =
    !vnet.existing && [...vnet.addressPrefixes].sort().join(",") !== [...found.addressPrefixes].sort().join(",");
  const head: LiveCheck = differs
    ? {
        code: "vnet-address-space-differs",
        path: "network.vnet.addressPrefixes",
        status: "warning",
        message: `VNet ${vnet.name} exists with ${found.addressPrefixes.join(", ")}; the run adds subnets to it and leaves its address space as is`,
        addressPrefixes: found.addressPrefixes,
      }
    : {
        code: "vnet",
        path,
        status: "ok",
        message: `VNet ${vnet.name} exists with ${found.addressPrefixes.join(", ")} and ${found.subnets.length} subnet(s)`,
        addressPrefixes: found.addressPrefixes,
      };
  return [head, ...requestedSubnets(request).map((wanted) => subnetCheck(wanted, found))];
}
