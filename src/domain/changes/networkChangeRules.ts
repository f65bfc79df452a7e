/**
 * The change rows for a built cluster's egress, API server and dataplane, as AKS documents each update:
 * outbound type migration in a BYO VNet (aks-docs egress-outboundtype.md, "Supported Migration Paths for BYO VNet"),
 * a NAT gateway of the other SKU (NRP cannot change a gateway's SKU: a new gateway takes the subnets over), API server
 * VNet integration on an existing cluster (api-server-vnet-integration.md: one-way, a rolling node-image upgrade), and
 * the Cilium dataplane after Azure CNI Overlay or pod subnet (azure-cni-powered-by-cilium.md: one-way, every pool
 * reimaged at once). Each row says which fields it owns when the change is one AKS makes, so anything else stays a
 * refused field; `refusal` explains a refused field the row would own if AKS allowed the change.
 */
import type { ClusterRequest } from "../clusterRequest.js";
import type { OutboundType } from "../networkModes.js";
import type { ChangeCheck } from "./changePlanSchema.js";
import { changeRule, type ChangeRule } from "./changeRow.js";

/** A change row (`find`: the change, when AKS makes it in place) that also owns request paths and checks. */
export interface NetworkChangeRule extends ChangeRule {
  /** Request paths the row owns while its change is one AKS makes. */
  claims: (before: ClusterRequest, after: ClusterRequest) => RegExp[];
  /** Why a path the row would own is refused (AKS does not make that change in place). */
  refusal: (before: ClusterRequest, after: ClusterRequest) => { path: string; message: string }[];
  /** What is checked about the change before it runs (a failed check is a 409 with its code). */
  checks: (before: ClusterRequest, after: ClusterRequest) => ChangeCheck[];
}

const byoMigrations: Record<OutboundType, readonly OutboundType[]> = {
  loadBalancer: ["userAssignedNATGateway", "userDefinedRouting"],
  userAssignedNATGateway: ["loadBalancer", "userDefinedRouting"],
  userDefinedRouting: ["loadBalancer", "userAssignedNATGateway"],
  none: [],
};

/** AKS's BYO VNet migration matrix: `none` is neither a source nor a target of an in-place update. */
export const outboundMigrationSupported = (from: OutboundType, to: OutboundType) => byoMigrations[from].includes(to);

const outboundOf = (request: ClusterRequest) => request.network.outbound;
const migratesOutbound = (before: ClusterRequest, after: ClusterRequest) =>
  outboundOf(before).type !== outboundOf(after).type &&
  outboundMigrationSupported(outboundOf(before).type, outboundOf(after).type);

const outboundPaths = [/^network\.outbound(\..+)?$/];

/** The egress resource a type adds, in words for the plan. */
function egressResource(request: ClusterRequest): string {
  const { natGateway, routeTable, nextHopIp } = outboundOf(request);
  if (natGateway !== null) return `NAT gateway ${natGateway.name} (${natGateway.sku ?? "its own SKU"})`;
  if (routeTable !== null) return `route table ${routeTable.name} (0.0.0.0/0 → ${nextHopIp ?? "its default route"})`;
  return "AKS's load balancer";
}

function outboundOperations(before: ClusterRequest, after: ClusterRequest): string[] {
  const { natGateway, routeTable } = outboundOf(after);
  const old = outboundOf(before);
  return [
    ...(natGateway === null || natGateway.existing
      ? []
      : [`PUT publicIPAddresses/${natGateway.name}-ip (${natGateway.sku ?? "Standard"})`]),
    ...(natGateway === null ? [] : [`PUT natGateways/${natGateway.name}`]),
    ...(routeTable === null || routeTable.existing ? [] : [`PUT routeTables/${routeTable.name} (0.0.0.0/0)`]),
    ...(old.natGateway === null ? [] : [`PUT subnets/{each} (NAT gateway ${old.natGateway.name} removed)`]),
    ...(old.routeTable === null ? [] : [`PUT subnets/{each} (route table ${old.routeTable.name} removed)`]),
    ...(natGateway === null ? [] : [`PUT subnets/{each} (NAT gateway ${natGateway.name})`]),
    ...(routeTable === null ? [] : [`PUT subnets/{each} (route table ${routeTable.name})`]),
    ...(natGateway === null ? [] : [`PUT roleAssignments (Network Contributor on NAT gateway ${natGateway.name})`]),
    ...(routeTable === null ? [] : [`PUT roleAssignments (Network Contributor on route table ${routeTable.name})`]),
    `PUT managedClusters (outboundType ${outboundOf(after).type})`,
  ];
}

/** kubenet's pod routes live in the UDR route table: taking it off the subnets would cut pods off each other. */
function kubenetRoutesCheck(before: ClusterRequest): ChangeCheck[] {
  const table = outboundOf(before).routeTable;
  if (before.network.mode !== "kubenet" || table === null) return [];
  return [
    {
      code: "kubenet-route-table",
      when: "plan",
      status: "failed",
      message:
        `kubenet's pod routes are in route table ${table.name}, which leaving userDefinedRouting would take off the ` +
        "subnets: migrate to overlay first (kubenet-to-overlay), then change the egress",
    },
  ];
}

const outboundType: NetworkChangeRule = {
  ...changeRule("outbound-type", "disruptive", (before, after) =>
    !migratesOutbound(before, after)
      ? []
      : [
          {
            paths: ["network.outbound.type"],
            pool: null,
            summary:
              `egress ${outboundOf(before).type} → ${outboundOf(after).type}: from ${egressResource(before)} to ` +
              `${egressResource(after)}; the cluster's egress IP changes and open outbound connections drop`,
            operations: outboundOperations(before, after),
            checks: ["outbound-migration-path", "egress-on-subnets", "egress-verified"],
          },
        ],
  ),
  claims: (before, after) => (migratesOutbound(before, after) ? outboundPaths : []),
  refusal: (before, after) => {
    const from = outboundOf(before).type;
    const to = outboundOf(after).type;
    if (from === to || outboundMigrationSupported(from, to)) return [];
    return [
      {
        path: "network.outbound.type",
        message:
          `AKS does not update outboundType ${from} → ${to} in a BYO VNet (it migrates between loadBalancer, ` +
          "userAssignedNATGateway and userDefinedRouting only)",
      },
    ];
  },
  checks: (before, after) =>
    !migratesOutbound(before, after)
      ? []
      : [
          {
            code: "outbound-migration-path",
            when: "plan",
            status: "passed",
            message: `${outboundOf(before).type} → ${outboundOf(after).type} is a migration AKS makes in a BYO VNet`,
          },
          ...kubenetRoutesCheck(before),
          {
            code: "egress-on-subnets",
            when: "run",
            status: "at-run",
            message:
              `before the cluster PUT: ${egressResource(after)} on every node and pod subnet` +
              (outboundOf(before).type === "loadBalancer" ? "" : `, ${egressResource(before)} taken off them`),
          },
          {
            code: "egress-verified",
            when: "after",
            status: "at-run",
            message:
              `AKS accepts outboundType ${outboundOf(after).type} only with that egress on the node subnet; then ` +
              "the identity's roles on it (roleChecks) and every node and pod address are verified again",
          },
        ],
};

/** Both specs egress through a NAT gateway of theirs, and its SKU differs. */
function skuChange(before: ClusterRequest, after: ClusterRequest) {
  const old = outboundOf(before).natGateway;
  const next = outboundOf(after).natGateway;
  if (outboundOf(before).type !== "userAssignedNATGateway" || outboundOf(after).type !== "userAssignedNATGateway")
    return null;
  if (old === null || next === null || (old.sku ?? "Standard") === (next.sku ?? "Standard")) return null;
  return { old, next, sameGateway: sameResource(old, next) };
}

const sameResource = (
  a: { subscriptionId: string; resourceGroup: string; name: string },
  b: { subscriptionId: string; resourceGroup: string; name: string },
) =>
  [a.subscriptionId, a.resourceGroup, a.name].join("/").toLowerCase() ===
  [b.subscriptionId, b.resourceGroup, b.name].join("/").toLowerCase();

const natGatewaySku: NetworkChangeRule = {
  ...changeRule("nat-gateway-sku", "disruptive", (before, after) => {
    const change = skuChange(before, after);
    if (change === null || change.sameGateway) return [];
    const { old, next } = change;
    return [
      {
        paths: ["network.outbound.natGateway.sku", "network.outbound.natGateway.name"],
        pool: null,
        summary:
          `egress moves from ${old.sku ?? "Standard"} NAT gateway ${old.name} to ${next.sku ?? "Standard"} NAT ` +
          `gateway ${next.name} with its own public IP: the egress IP changes, open outbound connections drop; ` +
          `${old.name} and its IP stay for you to delete`,
        operations: [
          ...(next.existing ? [] : [`PUT publicIPAddresses/${next.name}-ip (${next.sku ?? "Standard"})`]),
          `PUT natGateways/${next.name}`,
          `PUT subnets/{each} (NAT gateway ${old.name} → ${next.name})`,
          `PUT roleAssignments (Network Contributor on NAT gateway ${next.name})`,
        ],
        checks: ["nat-gateway-new", "egress-on-subnets", "egress-verified"],
      },
    ];
  }),
  claims: (before, after) => {
    const change = skuChange(before, after);
    return change === null || change.sameGateway ? [] : outboundPaths;
  },
  refusal: (before, after) =>
    skuChange(before, after)?.sameGateway === true
      ? [
          {
            path: "network.outbound.natGateway.sku",
            message:
              "a NAT gateway's SKU cannot change (NatGatewaySkuCannotBeChanged): name a new gateway, which takes the " +
              "subnets over",
          },
        ]
      : [],
  checks: (before, after) => {
    const change = skuChange(before, after);
    if (change === null || change.sameGateway) return [];
    return [
      {
        code: "nat-gateway-new",
        when: "plan",
        status: "passed",
        message: `${change.next.name} is another gateway than ${change.old.name}: no SKU changes in place`,
      },
      {
        code: "egress-on-subnets",
        when: "run",
        status: "at-run",
        message: `each node and pod subnet switches from ${change.old.name} to ${change.next.name} in one subnet PUT`,
      },
      {
        code: "egress-verified",
        when: "after",
        status: "at-run",
        message:
          "the identity's role on the new gateway (roleChecks) and every node and pod address are verified again",
      },
    ];
  },
};

const aksDelegation = "Microsoft.ContainerService/managedClusters";

const enablesVnetIntegration = (before: ClusterRequest, after: ClusterRequest) =>
  !before.apiServer.vnetIntegration && after.apiServer.vnetIntegration && after.network.apiServerSubnet !== null;

const apiServerVnetIntegration: NetworkChangeRule = {
  ...changeRule("apiserver-vnet-integration", "one-way", (before, after) => {
    const subnet = after.network.apiServerSubnet;
    if (!enablesVnetIntegration(before, after) || subnet === null) return [];
    return [
      {
        paths: ["apiServer.vnetIntegration", "network.apiServerSubnet"],
        pool: null,
        summary:
          `API server VNet integration in subnet ${subnet.name} (${subnet.addressPrefix}): the API server's IP ` +
          "changes (its name stays), every node gets a rolling node-image upgrade, and it cannot be disabled",
        operations: [
          `PUT subnets/${subnet.name} (${subnet.addressPrefix}, delegated to ${aksDelegation})`,
          `PUT roleAssignments (Network Contributor on subnet ${subnet.name})`,
          `PUT managedClusters (apiServerAccessProfile.enableVnetIntegration, subnetId ${subnet.name})`,
        ],
        checks: ["apiserver-subnet", "apiserver-subnet-delegated"],
        reimagesNodes: true,
      },
    ];
  }),
  claims: (before, after) =>
    enablesVnetIntegration(before, after) ? [/^apiServer\.vnetIntegration$/, /^network\.apiServerSubnet(\..+)?$/] : [],
  refusal: (before, after) =>
    before.apiServer.vnetIntegration && !after.apiServer.vnetIntegration
      ? [{ path: "apiServer.vnetIntegration", message: "AKS cannot disable API server VNet integration" }]
      : [],
  checks: (before, after) => {
    const subnet = after.network.apiServerSubnet;
    if (!enablesVnetIntegration(before, after) || subnet === null) return [];
    const prefix = Number(subnet.addressPrefix.split("/")[1]);
    return [
      {
        code: "apiserver-subnet",
        when: "plan",
        status: prefix <= 28 ? "passed" : "failed",
        message:
          prefix <= 28
            ? `${subnet.name} (${subnet.addressPrefix}) is /28 or larger, in the cluster's VNet, for API servers only`
            : `${subnet.name} (${subnet.addressPrefix}) is smaller than the /28 AKS needs for the API server`,
      },
      {
        code: "apiserver-subnet-delegated",
        when: "after",
        status: "at-run",
        message: `${subnet.name} still delegated to AKS, with the identity's Network Contributor role on it`,
      },
    ];
  },
};

const movesToCilium = (before: ClusterRequest, after: ClusterRequest) =>
  before.network.dataplane === "azure" &&
  after.network.dataplane === "cilium" &&
  before.network.mode === after.network.mode;

const ciliumModes = new Set(["overlay", "pod-subnet"]);

const ciliumDataplane: NetworkChangeRule = {
  ...changeRule("cilium-dataplane", "one-way", (before, after) =>
    !movesToCilium(before, after)
      ? []
      : [
          {
            paths: [
              "network.dataplane",
              ...(before.network.networkPolicy === after.network.networkPolicy ? [] : ["network.networkPolicy"]),
            ],
            pool: null,
            summary:
              `dataplane azure → cilium (network policy ${after.network.networkPolicy}): every node of every ` +
              "pool is reimaged at once, and it cannot be undone",
            operations: [`PUT managedClusters (networkDataplane cilium, networkPolicy ${after.network.networkPolicy})`],
            checks: ["cilium-ipam", "cilium-network-policy", "no-windows-pools"],
            reimagesNodes: true,
          },
        ],
  ),
  claims: (before, after) => (movesToCilium(before, after) ? [/^network\.dataplane$/, /^network\.networkPolicy$/] : []),
  refusal: (before, after) =>
    before.network.dataplane === "cilium" && after.network.dataplane === "azure"
      ? [{ path: "network.dataplane", message: "AKS cannot move a cluster off the Cilium dataplane" }]
      : [],
  checks: (before, after) => {
    if (!movesToCilium(before, after)) return [];
    const mode = before.network.mode;
    const policy = before.network.networkPolicy;
    const policyClear = policy === "none" || policy === "cilium";
    return [
      {
        code: "cilium-ipam",
        when: "plan",
        status: ciliumModes.has(mode) ? "passed" : "failed",
        message: ciliumModes.has(mode)
          ? `the cluster's ${mode} IPAM is one AKS moves to Cilium`
          : `AKS moves only overlay and pod-subnet clusters to Cilium, not ${mode}` +
            (mode === "kubenet" ? " (migrate to overlay first, as its own change)" : ""),
      },
      {
        code: "cilium-network-policy",
        when: "plan",
        status: policyClear ? "passed" : "failed",
        message: policyClear
          ? `network policy ${policy}: nothing for Cilium to replace`
          : `network policy ${policy} is installed: uninstall it (networkPolicy none) in a change before Cilium`,
      },
      {
        code: "no-windows-pools",
        when: "plan",
        status: "passed",
        message: "every pool is Linux (this API builds no Windows pools)",
      },
    ];
  },
};

/** In the order a run applies them, after the pool rows. */
export const networkChangeRules: readonly NetworkChangeRule[] = [
  outboundType,
  natGatewaySku,
  apiServerVnetIntegration,
  ciliumDataplane,
];

/** The egress the old spec attached to the subnets and the new one does not: the run takes it off them. */
export function egressToDetach(before: ClusterRequest, after: ClusterRequest): EgressDetach | null {
  const old = outboundOf(before);
  const next = outboundOf(after);
  const natGateway =
    old.natGateway !== null && (next.natGateway === null || !sameResource(old.natGateway, next.natGateway))
      ? old.natGateway
      : null;
  const routeTable =
    old.routeTable !== null && (next.routeTable === null || !sameResource(old.routeTable, next.routeTable))
      ? old.routeTable
      : null;
  if (natGateway === null && routeTable === null) return null;
  return { natGateway, routeTable };
}

export interface EgressDetach {
  natGateway: { subscriptionId: string; resourceGroup: string; name: string } | null;
  routeTable: { subscriptionId: string; resourceGroup: string; name: string } | null;
}
