/**
 * What AKS refuses synchronously at the managedClusters PUT (400), with the source of each rule:
 * - InsufficientSubnetSize: count × (maxPods + 1) in node-subnet mode, else count, against the subnet's usable
 *   addresses (size − 5); every public number fits (Rancher#20784 333 = 3×111, terraform PR 5735 310 = 10×31,
 *   505 = 5×101), message and target as quoted there. Pod subnet: 16-IP batches per node (DynamicIndividual) or
 *   ceil(maxPods/16) /28 blocks (StaticBlock) (MicrosoftDocs/azure-docs#97370: a /24 pod subnet holds 15 nodes).
 *   kubenet/overlay: one /24 per node from podCidr (AKS-Construction#701, target networkProfile.podCIDR).
 * - dnsServiceIP must be inside serviceCidr and not its network, first (kubernetes service) or broadcast address
 *   (Azure/AKS#2579, AKS docs "Don't use the first IP address"); service CIDR not in 169.254.0.0/16, 172.30.0.0/16,
 *   172.31.0.0/16, 192.0.2.0/24 (AKS docs, reserved ranges).
 * - maxPods 10–250 and count ≥ 1 for a system pool (AKS docs, "Maximum pods per node"; API count minimum).
 * - kubenet cannot use networkPolicy azure (Azure NPM needs Azure CNI); a pod subnet must be in the node subnet's VNet
 *   and differ from it (AKS docs "dynamic IP allocation": same VNet, separate subnets).
 * - LinkedAuthorizationFailed (403, ARM's wording from Azure/aad-pod-identity#511) when the cluster identity may not
 *   join an Azure CNI subnet; real AKS hits it while writing the node scale set, the simulator refuses the PUT.
 * - Egress for outboundType userAssignedNATGateway / userDefinedRouting on the node subnet (egress.ts validateOutbound).
 * - Dual-stack (aks-docs configure-dual-stack.md, azure-cni-overlay.md): ipFamilies IPv4 and IPv6, never IPv6 alone;
 *   Azure CNI only in overlay mode (pod-subnet and node-subnet have no dual-stack); kubenet refused too, as the brief
 *   this simulator follows asks (AKS still documents a legacy kubenet variant, which this product never builds);
 *   podCidrs and serviceCidrs one per family in ipFamilies order; the IPv6 service CIDR /108 or smaller; the node
 *   subnet must have an IPv6 prefix ("when using a dual-stack Azure virtual network"); IPv6 ranges kept off the VNet's.
 * - The node subnet may be in another subscription than the cluster (a shared hub VNet): it is found by its id, and
 *   the node scale set, whose write needs the join on it, is in the cluster's node resource group.
 * Error codes not quoted by any public source are InvalidParameter with the offending field as target.
 */
import { armError, type SimResponse } from "../http.js";
import { ipNumber, rangeOf } from "../kube/model.js";
import { batchSize } from "../kube/network.js";
import type { AksNetworkFacts } from "../kube/model.js";
import type { StoredResource } from "../state.js";
import { ArmContext, networkContributor, props, text } from "./context.js";
import { hasRole } from "./authorization.js";
import { validateOutbound } from "./egress.js";
import { ipv4Prefix, ipv6Prefix, overlap, subnetPrefixes, subnetsOf, validCidr, validCidr6 } from "./network.js";

type Validation = { error: SimResponse } | { network: AksNetworkFacts; identity: StoredResource };

const reservedServiceRanges = ["169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24"];

function invalid(target: string, message: string, code = "InvalidParameter"): { error: SimResponse } {
  return { error: armError(400, code, message, { target, subcode: "" }) };
}

function insufficient(
  needed: number,
  usable: number,
  cidr: string,
  name: string,
  target: string,
): { error: SimResponse } {
  return invalid(
    target,
    `Pre-allocated IPs ${needed} exceeds IPs available ${usable} in Subnet Cidr ${cidr}, Subnet Name ${name}. http://aka.ms/aks/insufficientsubnetsize for more details.`,
    "InsufficientSubnetSize",
  );
}

export const defaultKubernetesVersion = "1.33.2";

/** The dual-stack fields, or an error; null families for a single-stack (IPv4) cluster. */
function dualStackOf(
  networkProfile: Record<string, unknown>,
  mode: AksNetworkFacts["mode"],
  nodeSubnetV6: string | null,
  vnetPrefixes: string[],
): { error: SimResponse } | { podCidrV6: string | null; serviceCidrV6: string | null; families: string[] } {
  const families = Array.isArray(networkProfile.ipFamilies) ? networkProfile.ipFamilies.map(String) : ["IPv4"];
  if (families.length === 1 && families[0] === "IPv4") return { podCidrV6: null, serviceCidrV6: null, families };
  if (families.length !== 2 || new Set(families).size !== 2 || !families.every((f) => f === "IPv4" || f === "IPv6"))
    return invalid(
      "networkProfile.ipFamilies",
      `The value of parameter networkProfile.ipFamilies is invalid: ${families.join(",")}. Supported values are [IPv4] and [IPv4, IPv6]; IPv6 single stack is not supported.`,
    );
  if (mode !== "overlay")
    return invalid(
      "networkProfile.ipFamilies",
      `Dual-stack networking is not supported with network plugin ${mode === "kubenet" ? "kubenet" : "azure without network plugin mode overlay"}. Use Azure CNI Overlay (networkPlugin azure, networkPluginMode overlay).`,
    );
  const lists: [string, string[]][] = (["podCidrs", "serviceCidrs"] as const).map((field) => [
    field,
    Array.isArray(networkProfile[field]) ? (networkProfile[field] as unknown[]).map(String) : [],
  ]);
  for (const [field, cidrs] of lists) {
    const got = cidrs.map((cidr) => (cidr.includes(":") ? "IPv6" : "IPv4"));
    if (got.join(",") !== families.join(",") || !cidrs.every((cidr) => validCidr(cidr) || validCidr6(cidr)))
      return invalid(
        `networkProfile.${field}`,
        `The value of parameter networkProfile.${field} is invalid: ${cidrs.join(",") || "(none)"}. One CIDR per IP family is required, in the order of networkProfile.ipFamilies (${families.join(",")}).`,
      );
  }
  const v6Of = (cidrs: string[]) => cidrs.find((cidr) => cidr.includes(":")) ?? null;
  const podCidrV6 = v6Of(lists[0]?.[1] ?? []);
  const serviceCidrV6 = v6Of(lists[1]?.[1] ?? []);
  if (serviceCidrV6 !== null && Number(serviceCidrV6.split("/")[1]) < 108)
    return invalid(
      "networkProfile.serviceCidrs",
      `The IPv6 service CIDR ${serviceCidrV6} is too large: its prefix length must be 108 or more (/108 or smaller).`,
    );
  if (nodeSubnetV6 === null)
    return invalid(
      "agentPoolProfile.vnetSubnetID",
      "Dual-stack clusters need a dual-stack subnet: the node subnet has no IPv6 address prefix.",
    );
  for (const [target, cidr] of [
    ["networkProfile.podCidrs", podCidrV6],
    ["networkProfile.serviceCidrs", serviceCidrV6],
  ] as const) {
    if (cidr !== null && vnetPrefixes.some((prefix) => overlap(prefix, cidr)))
      return invalid(
        target,
        `NetworkProfile CIDR ${cidr} overlaps with reserved VNET CIDR ${vnetPrefixes.join(",")}`,
        "NetworkProfileCIDROverlapVNET",
      );
  }
  return { podCidrV6, serviceCidrV6, families };
}

export function validateCluster(
  ctx: ArmContext,
  nodeResourceGroup: string,
  body: { identity?: { type?: string; userAssignedIdentities?: Record<string, unknown> } },
  p: Record<string, unknown>,
  /** The cluster's own subscription (the node subnet's may differ); read from the subnet's id when not given. */
  clusterSubscription?: string,
  /** The node subnet of the VNet AKS built itself (no vnetSubnetID given): AKS needs no grant to join it. */
  aksManagedSubnetId: string | null = null,
): Validation {
  const { state } = ctx;
  const pools = (p.agentPoolProfiles as Record<string, unknown>[] | undefined) ?? [];
  const pool = pools[0];
  if (pool === undefined) return invalid("agentPoolProfiles", "The value of parameter agentPoolProfiles is invalid.");
  const identityId = Object.keys(body.identity?.userAssignedIdentities ?? {})[0];
  const identity = identityId === undefined ? undefined : state.get(identityId);
  if (identity === undefined)
    return invalid("identity", "The user-assigned identity of the cluster could not be found.");
  const count = Number(pool.count ?? 3);
  if (!Number.isInteger(count) || count < 1)
    return invalid(
      "agentPoolProfile.count",
      `The value of parameter agentPoolProfile.count is invalid. Please see https://aka.ms/aks-naming-rules for more details. System node pools must have at least one node, got ${String(pool.count)}.`,
    );
  const networkProfile = (p.networkProfile ?? {}) as Record<string, string | undefined>;
  const plugin = networkProfile.networkPlugin ?? "kubenet";
  const maxPods = Number(
    pool.maxPods ?? (plugin === "kubenet" ? 110 : networkProfile.networkPluginMode === "overlay" ? 250 : 30),
  );
  if (!Number.isInteger(maxPods) || maxPods < 10 || maxPods > 250)
    return invalid(
      "agentPoolProfile.maxPods",
      `The value of parameter agentPoolProfile.maxPods is invalid: ${String(pool.maxPods)}. The value must be between 10 and 250.`,
    );
  if (plugin === "kubenet" && networkProfile.networkPolicy === "azure")
    return invalid(
      "networkProfile.networkPolicy",
      "Network policy 'azure' is not supported with network plugin 'kubenet'. Use 'calico', or network plugin 'azure'.",
    );

  const nodeSubnetId = text(pool.vnetSubnetID, aksManagedSubnetId ?? "");
  const nodeSubnet = state.get(nodeSubnetId);
  if (nodeSubnet === undefined)
    return {
      error: armError(
        400,
        "InvalidResourceReference",
        `Resource ${nodeSubnetId} referenced by resource ${text(p.dnsPrefix, "")} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
        { subcode: "" },
      ),
    };
  if (((props(nodeSubnet).delegations as unknown[] | undefined) ?? []).length > 0)
    return invalid(
      "agentPoolProfile.vnetSubnetID",
      `AgentPoolProfile.VnetSubnetID '${nodeSubnetId}' cannot be used as it's a delegated subnet. Please check https://aka.ms/adv-network-prerequest for more details.`,
      "SubnetIsDelegated",
    );
  const egress = validateOutbound(
    ctx,
    networkProfile.outboundType ?? "loadBalancer",
    nodeSubnet,
    "networkProfile.outboundType",
  );
  if (egress !== null) return { error: egress };
  const vnetId = nodeSubnetId.replace(/\/subnets\/[^/]+$/i, "");
  const vnet = state.get(vnetId);
  const vnetPrefixes =
    vnet === undefined ? [] : (props(vnet).addressSpace as { addressPrefixes: string[] }).addressPrefixes;

  const podSubnetId = typeof pool.podSubnetID === "string" ? pool.podSubnetID : null;
  const podSubnet = podSubnetId === null ? undefined : state.get(podSubnetId);
  if (podSubnetId !== null && podSubnet === undefined)
    return {
      error: armError(400, "InvalidResourceReference", `Resource ${podSubnetId} was not found.`, { subcode: "" }),
    };
  if (podSubnetId !== null && podSubnetId.toLowerCase() === nodeSubnetId.toLowerCase())
    return invalid(
      "agentPoolProfile.podSubnetID",
      "The pod subnet must be a different subnet from the node subnet (agentPoolProfile.vnetSubnetID).",
    );
  if (podSubnetId !== null && !podSubnetId.toLowerCase().startsWith(`${vnetId.toLowerCase()}/subnets/`))
    return invalid(
      "agentPoolProfile.podSubnetID",
      `The pod subnet ${podSubnetId} must be in the same virtual network as the node subnet ${nodeSubnetId}.`,
    );

  const overlayMode = networkProfile.networkPluginMode === "overlay";
  const mode: AksNetworkFacts["mode"] =
    plugin === "kubenet" ? "kubenet" : overlayMode ? "overlay" : podSubnetId !== null ? "pod-subnet" : "node-subnet";
  const serviceCidr = networkProfile.serviceCidr ?? "10.0.0.0/16";
  const dnsServiceIP = networkProfile.dnsServiceIP ?? "10.0.0.10";
  if (!validCidr(serviceCidr)) return invalid("networkProfile.serviceCIDR", "Cidr is invalid", "CidrStringParseError");
  const reserved = reservedServiceRanges.find((range) => overlap(range, serviceCidr));
  if (reserved !== undefined)
    return invalid(
      "networkProfile.serviceCIDR",
      `The service CIDR ${serviceCidr} overlaps with the reserved range ${reserved}, which cannot be used for the Kubernetes service address range.`,
      "InvalidServiceCidr",
    );
  if (
    vnetPrefixes.some((prefix) => overlap(prefix, serviceCidr)) ||
    subnetsOf(ctx, vnetId).some((subnet) =>
      subnetPrefixes(props(subnet)).some((prefix) => overlap(prefix, serviceCidr)),
    )
  )
    return invalid(
      "networkProfile.serviceCIDR",
      `The specified service CIDR ${serviceCidr} is conflicted with an existing subnet CIDR ${ipv4Prefix(props(nodeSubnet))}`,
      "ServiceCidrOverlapExistingSubnetsCidr",
    );
  const service = rangeOf(serviceCidr);
  const dns = /^\d{1,3}(\.\d{1,3}){3}$/.test(dnsServiceIP) ? ipNumber(dnsServiceIP) : NaN;
  if (!(dns >= service.first && dns < service.first + service.size))
    return invalid(
      "networkProfile.dnsServiceIP",
      "DNS service IP is not within the specified service CIDR.",
      "DnsServiceIpOutOfServiceCidr",
    );
  if (dns === service.first || dns === service.first + 1 || dns === service.first + service.size - 1)
    return invalid(
      "networkProfile.dnsServiceIP",
      `The DNS service IP ${dnsServiceIP} cannot be the network address, the first address (used by the kubernetes service) or the broadcast address of the service CIDR ${serviceCidr}.`,
      "InvalidDNSServiceIP",
    );

  const podCidr = networkProfile.podCidr ?? null;
  if (podCidr !== null && mode !== "kubenet" && mode !== "overlay")
    return invalid(
      "networkProfile.podCIDR",
      "Pod CIDR cannot be specified with Azure CNI unless network plugin mode is overlay.",
    );
  if (podCidr !== null && vnetPrefixes.some((prefix) => overlap(prefix, podCidr)))
    return invalid(
      "networkProfile.podCIDR",
      `NetworkProfile CIDR ${podCidr} overlaps with reserved VNET CIDR ${vnetPrefixes.join(",")}`,
      "NetworkProfileCIDROverlapVNET",
    );

  const dual = dualStackOf(
    (p.networkProfile ?? {}) as Record<string, unknown>,
    mode,
    ipv6Prefix(props(nodeSubnet)),
    vnetPrefixes,
  );
  if ("error" in dual) return dual;

  const principalId = String(props(identity).principalId);
  const sub = clusterSubscription ?? /^\/subscriptions\/([^/]+)/i.exec(nodeSubnetId)?.[1] ?? "";
  const nodeScaleSetScope = `/subscriptions/${sub}/resourceGroups/${nodeResourceGroup}/providers/Microsoft.Compute/virtualMachineScaleSets/aks-${text(pool.name, "nodepool1")}-vmss`;
  // Azure CNI places NICs in the subnets: without join rights on them the create is refused up front.
  if (mode !== "kubenet" && aksManagedSubnetId === null) {
    for (const subnetId of [nodeSubnetId, ...(podSubnetId === null ? [] : [podSubnetId])]) {
      if (!hasRole(ctx, subnetId, networkContributor, principalId)) {
        return {
          // ARM's 403 and wording as quoted in Azure/aad-pod-identity#511/#550: the cluster identity writes the node
          // scale set and is refused the join on the subnet. Real AKS surfaces it while provisioning; here at the PUT.
          error: armError(
            403,
            "LinkedAuthorizationFailed",
            `The client '${principalId}' with object id '${principalId}' has permission to perform action 'Microsoft.Compute/virtualMachineScaleSets/write' on scope '${nodeScaleSetScope}'; however, it does not have permission to perform action(s) 'Microsoft.Network/virtualNetworks/subnets/join/action' on the linked scope(s) '${subnetId}' or the linked scope(s) are invalid.`,
          ),
        };
      }
    }
  }

  const nodeCidr = ipv4Prefix(props(nodeSubnet));
  const nodeUsable = rangeOf(nodeCidr).size - 5;
  const needed = mode === "node-subnet" ? count * (maxPods + 1) : count;
  if (needed > nodeUsable)
    return insufficient(needed, nodeUsable, nodeCidr, String(nodeSubnet.body.name), "agentPoolProfile.count");
  const allocationMode =
    podSubnet === undefined ? null : pool.podIPAllocationMode === "StaticBlock" ? "StaticBlock" : "DynamicIndividual";
  if (podSubnet !== undefined) {
    const podCidrText = ipv4Prefix(props(podSubnet));
    const podUsable = rangeOf(podCidrText).size - 5;
    const podNeeded =
      allocationMode === "StaticBlock" ? count * Math.ceil(maxPods / batchSize) * batchSize : count * batchSize;
    if (podNeeded > podUsable)
      return insufficient(
        podNeeded,
        podUsable,
        podCidrText,
        String(podSubnet.body.name),
        "agentPoolProfile.podSubnetID",
      );
  }
  const effectivePodCidr = mode === "kubenet" || mode === "overlay" ? (podCidr ?? "10.244.0.0/16") : null;
  if (effectivePodCidr !== null) {
    const blocks = rangeOf(effectivePodCidr).size / 256;
    if (count > blocks)
      return insufficient(
        count * 256,
        rangeOf(effectivePodCidr).size,
        effectivePodCidr,
        "networkProfile.podCIDR",
        "networkProfile.podCIDR",
      );
  }
  const version = text(p.kubernetesVersion, "") === "" ? defaultKubernetesVersion : text(p.kubernetesVersion, "");
  return {
    identity,
    network: {
      mode,
      nodeSubnet: nodeCidr,
      nodeSubnetId,
      podSubnet: podSubnet === undefined ? null : ipv4Prefix(props(podSubnet)),
      podSubnetId,
      podIPAllocationMode: allocationMode,
      podCidr: effectivePodCidr,
      serviceCidr,
      dnsServiceIP,
      maxPods,
      networkPolicy: networkProfile.networkPolicy ?? null,
      nodeCount: count,
      poolName: text(pool.name, "nodepool1"),
      kubernetesVersion: version.split(".").length === 2 ? `${version}.2` : version,
      subnetsByName: Object.fromEntries(
        subnetsOf(ctx, vnetId).map((subnet) => [String(subnet.body.name).toLowerCase(), ipv4Prefix(props(subnet))]),
      ),
      vnetId,
      ...(dual.families.includes("IPv6")
        ? {
            ipFamilies: dual.families,
            nodeSubnetV6: ipv6Prefix(props(nodeSubnet)),
            podCidrV6: dual.podCidrV6,
            serviceCidrV6: dual.serviceCidrV6,
          }
        : {}),
    },
  };
}
