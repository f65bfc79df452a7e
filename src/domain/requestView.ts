/**
 * The one normalised view of a cluster request, built once from raw JSON with the defaults applied. It tolerates a
 * partially invalid request (an unreadable field is null), so every planner rule can run and every violation is
 * reported at once; when the request is valid, the ClusterRequest is derived from this same view.
 */
import { networkResourceTypes, parseNetworkResourceId, type ResourceIdParts } from "./armNames.js";
import {
  dataplanes,
  ipFamilyNames,
  isNetworkMode,
  modeTraits,
  natGatewaySkus,
  networkPolicies,
  outboundTypes,
  podIpAllocations,
  type Dataplane,
  type IpFamilyName,
  type ModeTraits,
  type NatGatewaySku,
  type NetworkMode,
  type NetworkPolicy,
  type OutboundType,
  type PodIpAllocation,
} from "./networkModes.js";
import { requestDefaults } from "./requestDefaults.js";
import {
  bool,
  cidrField,
  cidrList,
  ipField,
  list,
  oneOf,
  record,
  str,
  type CidrField,
  type IpField,
} from "./requestFields.js";
import { readPools, subnetOf, type PoolView, type SubnetView } from "./poolView.js";

export type { CidrField, IpField } from "./requestFields.js";
export type { PoolView, SubnetView } from "./poolView.js";

export interface ResourceRefView extends ResourceIdParts {
  path: string;
  /** Given by id: it exists and is used as is. */
  existing: boolean;
}

export interface RequestView {
  subscriptionId: string | null;
  resourceGroup: string | null;
  location: string | null;
  clusterName: string | null;
  kubernetesVersion: string | null;
  dnsPrefix: string | null;
  /** null when the request's network section or mode is unreadable: network rules then stay silent. */
  mode: NetworkMode | null;
  traits: ModeTraits | null;
  dataplane: Dataplane | null;
  dataplaneGiven: boolean;
  networkPolicy: NetworkPolicy | null;
  podIpAllocation: PodIpAllocation | null;
  ipFamilies: IpFamilyName[] | null;
  dualStack: boolean;
  vnet: (ResourceRefView & { id: string | null; prefixes: CidrField[] | null }) | null;
  nodeSubnet: SubnetView | null;
  podSubnet: SubnetView | null;
  apiServerSubnet: SubnetView | null;
  /** Effective pod CIDRs (IPv4 first) for modes with a pod CIDR; [] otherwise. */
  podCidrs: CidrField[];
  /** Pod CIDRs given for a mode without one (refused). */
  strayPodCidrs: string[];
  podCidrExplicitlyNull: boolean;
  serviceCidrs: CidrField[];
  dnsServiceIp: IpField | null;
  /** Both the single and the list form of a field were given. */
  conflictingFields: { path: string; other: string }[];
  outbound: {
    type: OutboundType | null;
    natGateway: ResourceRefView | null;
    /** The NAT gateway's SKU; null without a NAT gateway, or for the caller's gateway when the request names none. */
    natGatewaySku: NatGatewaySku | null;
    routeTable: ResourceRefView | null;
    nextHopIp: IpField | null;
    natGatewayGiven: boolean;
    routeTableGiven: boolean;
  };
  apiServer: { private: boolean; vnetIntegration: boolean; authorizedIpRanges: CidrField[] };
  pools: PoolView[];
  /** Where the pools came from: the legacy single `nodePool`, or `nodePools`. */
  poolsPath: "nodePool" | "nodePools";
  tags: [string, unknown][] | null;
  identityName: string | null;
  features: string[];
  demoWorkload: boolean;
}

function refOf(
  path: string,
  value: unknown,
  type: (typeof networkResourceTypes)[keyof typeof networkResourceTypes],
  defaultName: string,
  home: { subscriptionId: string; resourceGroup: string },
): ResourceRefView {
  const given = record(value);
  const id = str(given?.id);
  const parts = id === null ? null : parseNetworkResourceId(id, type);
  if (parts !== null) return { path, existing: true, ...parts };
  return { path, existing: false, ...home, name: str(given?.name) ?? defaultName };
}

function readOutbound(
  network: Record<string, unknown>,
  clusterName: string,
  home: { subscriptionId: string; resourceGroup: string },
): RequestView["outbound"] {
  const raw = record(network.outbound);
  const type = raw === null ? requestDefaults.outboundType : oneOf(outboundTypes, raw.type);
  const nextHopIp = str(raw?.nextHopIp);
  const natGateway = refOf(
    "network.outbound.natGateway",
    raw?.natGateway,
    networkResourceTypes.natGateway,
    requestDefaults.natGatewayName(clusterName),
    home,
  );
  const routeTable = refOf(
    "network.outbound.routeTable",
    raw?.routeTable,
    networkResourceTypes.routeTable,
    requestDefaults.routeTableName(clusterName),
    home,
  );
  return {
    type,
    // Each egress resource exists only for its own outbound type (a stray one is refused by a rule).
    natGateway: type === "userAssignedNATGateway" ? natGateway : null,
    // The caller's gateway keeps whatever SKU it has unless the request names one.
    natGatewaySku:
      type !== "userAssignedNATGateway"
        ? null
        : oneOf(
            natGatewaySkus,
            record(raw?.natGateway)?.sku ?? (natGateway.existing ? null : requestDefaults.natGatewaySku),
          ),
    routeTable: type === "userDefinedRouting" ? routeTable : null,
    nextHopIp: nextHopIp === null ? null : ipField("network.outbound.nextHopIp", nextHopIp),
    natGatewayGiven: raw?.natGateway !== undefined,
    routeTableGiven: raw?.routeTable !== undefined,
  };
}

/**
 * Effective pod or service CIDRs: the list form, or the single (IPv4) form, or the defaults; a dual-stack request
 * that gives only the IPv4 range gets AKS's default IPv6 range beside it.
 */
function readCidrs(
  network: Record<string, unknown>,
  single: "podCidr" | "serviceCidr",
  defaults: string[],
  conflicts: RequestView["conflictingFields"],
): CidrField[] {
  const plural = `${single}s`;
  const fromList = cidrList(`network.${plural}`, network[plural], "any");
  if (fromList !== null) {
    if (network[single] !== undefined) conflicts.push({ path: `network.${plural}`, other: `network.${single}` });
    return fromList;
  }
  const [firstDefault = "", ...moreDefaults] = defaults;
  const given = network[single] === undefined ? firstDefault : str(network[single]);
  const first = given === null ? [] : [cidrField(`network.${single}`, given)];
  return [...first, ...moreDefaults.map((text, i) => cidrField(`network.${plural}.${i + 1}`, text, "any"))];
}

export function readRequestView(raw: unknown): RequestView {
  const root = record(raw) ?? {};
  const network = record(root.network);
  const clusterName = str(root.clusterName);
  const subscriptionId = str(root.subscriptionId)?.toLowerCase() ?? null;
  const resourceGroup = str(root.resourceGroup);
  const home = { subscriptionId: subscriptionId ?? "", resourceGroup: resourceGroup ?? "" };
  const modeValue = network?.mode === undefined ? requestDefaults.mode : network.mode;
  const mode = network !== null && isNetworkMode(modeValue) ? modeValue : null;
  const traits = mode === null ? null : modeTraits[mode];
  const net = network ?? {};

  const networkPolicy = net.networkPolicy === undefined ? null : oneOf(networkPolicies, net.networkPolicy);
  // `networkPolicy: cilium` has always meant the Cilium dataplane here, so it stays the dataplane's default then.
  const dataplane =
    net.dataplane === undefined
      ? networkPolicy === "cilium"
        ? "cilium"
        : requestDefaults.dataplane
      : oneOf(dataplanes, net.dataplane);
  const givenFamilies = list(net.ipFamilies)?.map((family) => oneOf(ipFamilyNames, family)) ?? null;
  const families: IpFamilyName[] | null =
    net.ipFamilies === undefined
      ? ["IPv4"]
      : givenFamilies?.every((family) => family !== null) === true
        ? givenFamilies.filter((family) => family !== null)
        : null;
  // Only the one valid dual-stack spelling turns dual-stack on; anything else is refused by ipFamiliesValid.
  const dualStack = families?.join(",") === "IPv4,IPv6";
  const ipv6Asked = givenFamilies?.includes("IPv6") ?? false;

  const vnetRaw = record(net.vnet);
  const vnetId = str(vnetRaw?.id);
  const vnetParts = vnetId === null ? null : parseNetworkResourceId(vnetId, networkResourceTypes.vnet);
  const vnet =
    vnetRaw === null
      ? null
      : {
          path: "network.vnet",
          id: vnetId,
          existing: vnetId !== null,
          subscriptionId: vnetParts?.subscriptionId ?? home.subscriptionId,
          resourceGroup: vnetParts?.resourceGroup ?? str(vnetRaw.resourceGroup) ?? home.resourceGroup,
          name: vnetParts?.name ?? str(vnetRaw.name) ?? "",
          // An existing VNet's address space is unknown until run time unless the request states it.
          // IPv6 prefixes belong only to a dual-stack VNet.
          prefixes: cidrList("network.vnet.addressPrefixes", vnetRaw.addressPrefixes, ipv6Asked ? "any" : "ipv4"),
        };

  const conflictingFields: RequestView["conflictingFields"] = [];
  const usesPodCidr = traits?.usesPodCidr ?? false;
  const podCidrDefaults = [requestDefaults.podCidr, ...(dualStack ? [requestDefaults.podCidrV6] : [])];
  const serviceDefaults = [requestDefaults.serviceCidr, ...(dualStack ? [requestDefaults.serviceCidrV6] : [])];
  const podCidrs =
    usesPodCidr && net.podCidr !== null ? readCidrs(net, "podCidr", podCidrDefaults, conflictingFields) : [];
  const strayPodCidrs = usesPodCidr
    ? []
    : [
        ...(net.podCidr !== undefined && net.podCidr !== null ? ["network.podCidr"] : []),
        ...(net.podCidrs !== undefined ? ["network.podCidrs"] : []),
      ];

  const apiServerRaw = record(root.apiServer);
  const { pools, poolsPath } = readPools(root, network, traits);
  if (root.nodePool !== undefined && root.nodePools !== undefined) {
    conflictingFields.push({ path: "nodePool", other: "nodePools" });
  }
  const dnsServiceIp = net.dnsServiceIp === undefined ? requestDefaults.dnsServiceIp : str(net.dnsServiceIp);
  const tags = record(root.tags);

  return {
    subscriptionId,
    resourceGroup,
    location: str(root.location),
    clusterName,
    kubernetesVersion: str(root.kubernetesVersion),
    dnsPrefix: str(root.dnsPrefix) ?? (clusterName === null ? null : requestDefaults.dnsPrefix(clusterName)),
    mode,
    traits,
    dataplane,
    dataplaneGiven: net.dataplane !== undefined,
    networkPolicy: net.networkPolicy === undefined ? requestDefaults.networkPolicy : networkPolicy,
    podIpAllocation:
      net.podIpAllocation === undefined
        ? requestDefaults.podIpAllocation
        : oneOf(podIpAllocations, net.podIpAllocation),
    ipFamilies: families,
    dualStack,
    vnet,
    nodeSubnet: subnetOf("network.nodeSubnet", net.nodeSubnet),
    podSubnet: subnetOf("network.podSubnet", net.podSubnet),
    apiServerSubnet: subnetOf("network.apiServerSubnet", net.apiServerSubnet),
    podCidrs,
    strayPodCidrs,
    podCidrExplicitlyNull: net.podCidr === null,
    serviceCidrs: readCidrs(net, "serviceCidr", serviceDefaults, conflictingFields),
    dnsServiceIp: dnsServiceIp === null ? null : ipField("network.dnsServiceIp", dnsServiceIp),
    conflictingFields,
    outbound: readOutbound(net, clusterName ?? "", home),
    apiServer: {
      private: bool(apiServerRaw?.private) ?? false,
      vnetIntegration: bool(apiServerRaw?.vnetIntegration) ?? false,
      authorizedIpRanges: cidrList("apiServer.authorizedIpRanges", apiServerRaw?.authorizedIpRanges) ?? [],
    },
    pools,
    poolsPath,
    // Object.keys sees an own "__proto__" key from JSON.parse, which a spread or zod's record would drop silently.
    tags: tags === null ? null : Object.keys(tags).map((key) => [key, tags[key]]),
    identityName:
      str(record(root.identity)?.name) ?? (clusterName === null ? null : requestDefaults.identityName(clusterName)),
    features: (list(root.features) ?? []).filter((item): item is string => typeof item === "string"),
    demoWorkload: bool(record(root.verify)?.demoWorkload) ?? false,
  };
}
