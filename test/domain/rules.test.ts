/**
 * One row per rule outcome: a documented example, a patch, and exactly the (path, code) pairs the planner must report.
 * The last test checks that every code in the rule table is exercised here or in planner.test.ts.
 */
import { describe, expect, it } from "vitest";
import { planCluster } from "../../src/domain/planner.js";
import { violationRules } from "../../src/domain/planner/ruleTable.js";
import { codesAt, example, patched, type ExampleName } from "./fixtures.js";

interface Case {
  name: string;
  base: ExampleName;
  patch: Record<string, unknown>;
  expected: [string, string][];
}

const long = (n: number) => "a".repeat(n);
const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`t${i}`, "v"]));

const cases: Case[] = [
  // --- addresses must be exactly what ARM takes (audit D9) ---
  {
    name: "leading space in a subnet",
    base: "overlay-cilium",
    patch: { "network.nodeSubnet.addressPrefix": " 10.30.0.0/22" },
    expected: [["network.nodeSubnet.addressPrefix", "invalid-cidr"]],
  },
  {
    name: "trailing newline in the service CIDR",
    base: "overlay-cilium",
    patch: { "network.serviceCidr": "10.0.0.0/16\n" },
    expected: [["network.serviceCidr", "invalid-cidr"]],
  },
  {
    name: "padded DNS IP",
    base: "overlay-cilium",
    patch: { "network.dnsServiceIp": "10.0.0.10 " },
    expected: [["network.dnsServiceIp", "invalid-ip"]],
  },
  {
    name: "padded VNet prefix",
    base: "overlay-cilium",
    patch: { "network.vnet.addressPrefixes": ["10.30.0.0/16\t"] },
    expected: [["network.vnet.addressPrefixes.0", "invalid-cidr"]],
  },
  {
    name: "padded pod CIDR",
    base: "overlay",
    patch: { "network.podCidr": "192.168.0.0/16 " },
    expected: [["network.podCidr", "invalid-cidr"]],
  },
  {
    name: "padded authorized range",
    base: "overlay-cilium",
    patch: { "apiServer.authorizedIpRanges": [" 203.0.113.0/24"] },
    expected: [["apiServer.authorizedIpRanges.0", "invalid-cidr"]],
  },
  {
    name: "authorized range with host bits",
    base: "overlay-cilium",
    patch: { "apiServer.authorizedIpRanges": ["203.0.113.7/24"] },
    expected: [["apiServer.authorizedIpRanges.0", "cidr-not-network-address"]],
  },
  {
    name: "padded next hop",
    base: "overlay-udr-egress",
    patch: { "network.outbound.nextHopIp": "10.0.100.4 " },
    expected: [["network.outbound.nextHopIp", "invalid-ip"]],
  },
  {
    name: "upper-case IPv6 pod CIDR",
    base: "overlay-dual-stack",
    patch: { "network.podCidrs": ["10.244.0.0/16", "FD12:3456:789A::/64"] },
    expected: [["network.podCidrs.1", "cidr-not-canonical"]],
  },
  {
    name: "IPv6 in the single-stack service CIDR",
    base: "overlay-cilium",
    patch: { "network.serviceCidr": "fd00::/108" },
    expected: [["network.serviceCidr", "ipv6-not-supported"]],
  },
  // --- one form of a field ---
  {
    name: "serviceCidr and serviceCidrs",
    base: "overlay-cilium",
    patch: { "network.serviceCidr": "10.0.0.0/16", "network.serviceCidrs": ["10.0.0.0/16"] },
    expected: [["network.serviceCidrs", "conflicting-fields"]],
  },
  {
    name: "nodePool and nodePools",
    base: "overlay-user-pools",
    patch: { nodePool: { count: 3 } },
    expected: [["nodePool", "conflicting-fields"]],
  },
  // --- what each mode takes ---
  {
    name: "a pool's pod subnet in overlay",
    base: "overlay-user-pools",
    patch: { "nodePools.1.podSubnet": { name: "snet-p", addressPrefix: "10.80.32.0/20" } },
    expected: [["nodePools.1.podSubnet", "pod-subnet-not-allowed"]],
  },
  {
    name: "podCidrs in pod-subnet mode",
    base: "pod-subnet",
    patch: { "network.podCidrs": ["10.244.0.0/16"] },
    expected: [["network.podCidrs", "pod-cidr-not-allowed"]],
  },
  {
    name: "Cilium dataplane with kubenet",
    base: "kubenet",
    patch: { "network.dataplane": "cilium" },
    expected: [["network.dataplane", "dataplane-not-supported"]],
  },
  {
    name: "networkPolicy cilium on the Azure dataplane",
    base: "overlay-cilium",
    patch: { "network.dataplane": "azure" },
    expected: [["network.networkPolicy", "network-policy-requires-cilium-dataplane"]],
  },
  {
    name: "Calico beside the Cilium dataplane",
    base: "overlay-cilium",
    patch: { "network.networkPolicy": "calico" },
    expected: [["network.networkPolicy", "network-policy-not-supported"]],
  },
  {
    name: "staticBlock in overlay",
    base: "overlay-cilium",
    patch: { "network.podIpAllocation": "staticBlock" },
    expected: [["network.podIpAllocation", "static-block-needs-pod-subnet"]],
  },
  {
    name: "a user pool's maxPods above 250",
    base: "overlay-user-pools",
    patch: { "nodePools.1.maxPods": 251 },
    expected: [["nodePools.1.maxPods", "max-pods-out-of-range"]],
  },
  // --- pools ---
  {
    name: "no System pool",
    base: "overlay-user-pools",
    patch: { "nodePools.0.mode": "User" },
    expected: [["nodePools", "system-pool-required"]],
  },
  {
    name: "an empty System pool",
    base: "overlay-user-pools",
    patch: { "nodePools.0.count": 0 },
    expected: [["nodePools.0.count", "system-pool-empty"]],
  },
  {
    name: "two pools with one name",
    base: "overlay-user-pools",
    patch: { "nodePools.2.name": "apps" },
    expected: [["nodePools.2.name", "duplicate-pool-name"]],
  },
  {
    name: "minCount without maxCount",
    base: "overlay-user-pools",
    patch: { "nodePools.1.maxCount": undefined },
    expected: [["nodePools.1.maxCount", "autoscale-bounds"]],
  },
  {
    name: "minCount above maxCount",
    base: "overlay-user-pools",
    patch: { "nodePools.1.minCount": 30 },
    expected: [["nodePools.1.minCount", "autoscale-bounds"]],
  },
  {
    name: "count outside the autoscaler bounds",
    base: "overlay-user-pools",
    patch: { "nodePools.1.count": 21 },
    expected: [["nodePools.1.count", "autoscale-bounds"]],
  },
  {
    name: "one subnet name, two prefixes",
    base: "overlay-user-pools",
    patch: { "nodePools.2.nodeSubnet.name": "snet-apps" },
    expected: [["nodePools.2.nodeSubnet", "subnet-name-conflict"]],
  },
  {
    name: "a pool restating the cluster's subnet is fine",
    base: "overlay-user-pools",
    patch: { "nodePools.1.nodeSubnet": { name: "snet-system", addressPrefix: "10.80.0.0/24" } },
    expected: [],
  },
  // --- dual-stack ---
  {
    name: "IPv6 first",
    base: "overlay-dual-stack",
    patch: { "network.ipFamilies": ["IPv6", "IPv4"] },
    expected: [["network.ipFamilies", "ip-families-invalid"]],
  },
  {
    name: "dual-stack with pod-subnet",
    base: "pod-subnet-static-block",
    patch: { "network.ipFamilies": ["IPv4", "IPv6"] },
    expected: [["network.ipFamilies", "dual-stack-needs-overlay"]],
  },
  {
    name: "one pod CIDR for two families",
    base: "overlay-dual-stack",
    patch: { "network.podCidrs": ["10.244.0.0/16"] },
    expected: [["network.podCidrs", "cidr-family-mismatch"]],
  },
  {
    name: "service CIDRs in the wrong order",
    base: "overlay-dual-stack",
    patch: { "network.serviceCidrs": ["fd12:3456:789a:1::/108", "10.0.0.0/16"] },
    expected: [["network.serviceCidrs", "cidr-family-mismatch"]],
  },
  {
    name: "IPv6 service CIDR larger than /108",
    base: "overlay-dual-stack",
    patch: { "network.serviceCidrs": ["10.0.0.0/16", "fd12:3456:789a:1::/100"] },
    expected: [["network.serviceCidrs.1", "service-cidr-too-large"]],
  },
  {
    name: "dual-stack node subnet without IPv6",
    base: "overlay-dual-stack",
    patch: { "network.nodeSubnet.ipv6AddressPrefix": undefined },
    expected: [["network.nodeSubnet.ipv6AddressPrefix", "dual-stack-needs-ipv6-network"]],
  },
  {
    name: "dual-stack VNet without IPv6",
    base: "overlay-dual-stack",
    patch: { "network.vnet.addressPrefixes": ["10.70.0.0/16"] },
    expected: [["network.vnet.addressPrefixes", "dual-stack-needs-ipv6-network"]],
  },
  {
    name: "IPv6 subnet not a /64",
    base: "overlay-dual-stack",
    patch: { "network.nodeSubnet.ipv6AddressPrefix": "fd00:70::/56" },
    expected: [["network.nodeSubnet.ipv6AddressPrefix", "ipv6-subnet-not-64"]],
  },
  {
    name: "IPv6 subnet outside the VNet",
    base: "overlay-dual-stack",
    patch: { "network.nodeSubnet.ipv6AddressPrefix": "fd00:71::/64" },
    expected: [["network.nodeSubnet.ipv6AddressPrefix", "subnet-outside-vnet"]],
  },
  {
    name: "IPv6 subnet range on a single-stack cluster",
    base: "overlay-cilium",
    patch: { "network.nodeSubnet.ipv6AddressPrefix": "fd00:30::/64" },
    expected: [["network.nodeSubnet.ipv6AddressPrefix", "ipv6-not-supported"]],
  },
  {
    name: "IPv6 pod CIDR inside the VNet",
    base: "overlay-dual-stack",
    patch: { "network.podCidrs": ["10.244.0.0/16", "fd00:70::/64"] },
    expected: [["network.podCidrs.1", "pod-cidr-overlaps-network"]],
  },
  // --- address space ---
  {
    name: "a pool subnet outside the VNet",
    base: "overlay-user-pools",
    patch: { "nodePools.1.nodeSubnet.addressPrefix": "10.90.0.0/22" },
    expected: [["nodePools.1.nodeSubnet.addressPrefix", "subnet-outside-vnet"]],
  },
  {
    name: "pool subnets overlap",
    base: "overlay-user-pools",
    patch: { "nodePools.2.nodeSubnet.addressPrefix": "10.80.4.0/23" },
    expected: [["nodePools.2.nodeSubnet.addressPrefix", "ranges-overlap"]],
  },
  {
    name: "API server subnet inside the node subnet",
    base: "overlay-private-nat-gateway",
    patch: { "network.apiServerSubnet.addressPrefix": "10.50.0.0/28" },
    expected: [["network.apiServerSubnet.addressPrefix", "ranges-overlap"]],
  },
  {
    name: "VNet prefix in 172.30/16",
    base: "overlay-cilium",
    patch: { "network.vnet.addressPrefixes": ["10.30.0.0/16", "172.30.0.0/16"] },
    expected: [["network.vnet.addressPrefixes.1", "vnet-reserved-range"]],
  },
  {
    name: "pod CIDR in 172.31/16",
    base: "overlay",
    patch: { "network.podCidr": "172.31.0.0/16" },
    expected: [["network.podCidr", "pod-cidr-reserved-range"]],
  },
  {
    name: "pod CIDR 172.16.0.0/12 (AKS's own example)",
    base: "overlay",
    patch: { "network.podCidr": "172.16.0.0/12" },
    expected: [["network.podCidr", "pod-cidr-reserved-range"]],
  },
  {
    name: "64-character subnet name in overlay",
    base: "overlay-cilium",
    patch: { "network.nodeSubnet.name": long(64) },
    expected: [["network.nodeSubnet.name", "name-too-long-for-mode"]],
  },
  {
    name: "64-character VNet name in pod-subnet",
    base: "pod-subnet",
    patch: { "network.vnet.name": long(64) },
    expected: [["network.vnet.name", "name-too-long-for-mode"]],
  },
  {
    name: "64-character resource group holding an overlay VNet",
    base: "overlay-cilium",
    patch: { resourceGroup: long(64) },
    expected: [["resourceGroup", "name-too-long-for-mode"]],
  },
  {
    name: "64-character subnet name in node-subnet is fine",
    base: "node-subnet",
    patch: { "network.nodeSubnet.name": long(64) },
    expected: [],
  },
  // --- service CIDR ---
  {
    name: "service CIDR larger than /12",
    base: "overlay-cilium",
    patch: { "network.serviceCidr": "100.64.0.0/11", "network.dnsServiceIp": "100.64.0.10" },
    expected: [["network.serviceCidr", "service-cidr-too-large"]],
  },
  // --- the error names the field that is wrong, not the one that depends on it ---
  {
    name: "a /32 service CIDR is reported on itself, not on the DNS service IP",
    base: "overlay",
    patch: { "network.serviceCidr": "10.0.0.0/32", "network.dnsServiceIp": "10.0.0.10" },
    expected: [["network.serviceCidr", "service-cidr-too-small"]],
  },
  {
    name: "a /31 service CIDR has no room for the DNS service IP",
    base: "overlay",
    patch: { "network.serviceCidr": "10.0.0.0/31", "network.dnsServiceIp": "10.0.0.1" },
    expected: [["network.serviceCidr", "service-cidr-too-small"]],
  },
  {
    name: "a /30 service CIDR holds the API server and a DNS IP",
    base: "overlay",
    patch: { "network.serviceCidr": "10.0.0.0/30", "network.dnsServiceIp": "10.0.0.2" },
    expected: [],
  },
  {
    name: "a /32 VNet prefix is reported on the prefix (its subnet cannot be inside it either)",
    base: "overlay",
    patch: { "network.vnet.addressPrefixes": ["10.20.0.0/32"] },
    expected: [
      ["network.vnet.addressPrefixes.0", "vnet-too-small"],
      ["network.nodeSubnet.addressPrefix", "subnet-outside-vnet"],
    ],
  },
  {
    name: "a /30 VNet prefix is too small for any subnet",
    base: "overlay",
    patch: { "network.vnet.addressPrefixes": ["10.20.0.0/30"], "network.nodeSubnet.addressPrefix": "10.20.0.0/30" },
    expected: [
      ["network.vnet.addressPrefixes.0", "vnet-too-small"],
      ["network.nodeSubnet.addressPrefix", "subnet-too-small"],
    ],
  },
  // --- API server ---
  {
    name: "VNet integration without a subnet",
    base: "overlay-private-nat-gateway",
    patch: { "network.apiServerSubnet": undefined },
    expected: [["network.apiServerSubnet", "api-server-subnet-required"]],
  },
  {
    name: "API server subnet without VNet integration",
    base: "overlay-private-nat-gateway",
    patch: { "apiServer.vnetIntegration": false },
    expected: [["network.apiServerSubnet", "api-server-subnet-not-allowed"]],
  },
  {
    name: "API server subnet smaller than /28",
    base: "overlay-private-nat-gateway",
    patch: { "network.apiServerSubnet.addressPrefix": "10.50.4.0/29" },
    expected: [["network.apiServerSubnet.addressPrefix", "api-server-subnet-too-small"]],
  },
  {
    name: "authorized ranges on a private cluster",
    base: "overlay-private-nat-gateway",
    patch: { "apiServer.authorizedIpRanges": ["203.0.113.0/24"] },
    expected: [["apiServer.authorizedIpRanges", "authorized-ip-ranges-not-supported"]],
  },
  // --- outbound ---
  {
    name: "a NAT gateway with loadBalancer egress",
    base: "overlay-cilium",
    patch: { "network.outbound": { type: "loadBalancer", natGateway: { name: "ng" } } },
    expected: [["network.outbound.natGateway", "outbound-field-not-allowed"]],
  },
  {
    name: "a next hop with NAT gateway egress",
    base: "overlay-private-nat-gateway",
    patch: { "network.outbound.nextHopIp": "10.0.100.4" },
    expected: [["network.outbound.nextHopIp", "outbound-field-not-allowed"]],
  },
  {
    name: "UDR with neither route table id nor next hop",
    base: "overlay-udr-egress",
    patch: { "network.outbound.nextHopIp": undefined },
    expected: [["network.outbound", "outbound-next-hop-required"]],
  },
  {
    name: "UDR next hop inside the service CIDR",
    base: "overlay-udr-egress",
    patch: { "network.outbound.nextHopIp": "10.61.0.4" },
    expected: [["network.outbound.nextHopIp", "next-hop-in-cluster-range"]],
  },
  {
    name: "UDR with an existing route table needs no next hop",
    base: "overlay-udr-egress",
    patch: {
      "network.outbound": {
        type: "userDefinedRouting",
        routeTable: {
          id: "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-hub/providers/Microsoft.Network/routeTables/rt-egress",
        },
      },
    },
    expected: [],
  },
  // --- other combinations AKS refuses ---
  {
    name: "DCsv2 VMs in overlay",
    base: "overlay-user-pools",
    patch: { "nodePools.2.vmSize": "Standard_DC8_v2" },
    expected: [["nodePools.2.vmSize", "vm-size-not-supported"]],
  },
  {
    name: "DCsv2 VMs in pod-subnet are fine",
    base: "pod-subnet",
    patch: { "nodePool.vmSize": "Standard_DC4s_v2" },
    expected: [],
  },
  {
    name: "VNet integration in qatarcentral",
    base: "overlay-private-nat-gateway",
    patch: { location: "qatarcentral" },
    expected: [["apiServer.vnetIntegration", "not-available-in-region"]],
  },
  {
    name: "StaticBlock on Kubernetes 1.27",
    base: "pod-subnet-static-block",
    patch: { kubernetesVersion: "1.27" },
    expected: [["kubernetesVersion", "static-block-needs-newer-kubernetes"]],
  },
  {
    name: "StaticBlock pod subnet larger than /12",
    base: "pod-subnet-static-block",
    patch: {
      "network.vnet.addressPrefixes": ["10.0.0.0/8"],
      "network.nodeSubnet.addressPrefix": "10.200.0.0/24",
      "network.podSubnet.addressPrefix": "10.0.0.0/11",
      "network.serviceCidr": "172.16.0.0/16",
      "network.dnsServiceIp": "172.16.0.10",
    },
    expected: [["network.podSubnet.addressPrefix", "static-block-subnet-too-large"]],
  },
  {
    name: "an existing VNet's subnet in 169.254/16",
    base: "kubenet",
    patch: {
      "network.vnet": {
        id: "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v",
      },
      "network.nodeSubnet.addressPrefix": "169.254.0.0/24",
    },
    expected: [["network.nodeSubnet.addressPrefix", "vnet-reserved-range"]],
  },
  // --- tags (ARM's rules, audit D14) ---
  { name: "49 tags and managed-by", base: "overlay-cilium", patch: { tags: tags(49) }, expected: [] },
  {
    name: "50 tags and managed-by",
    base: "overlay-cilium",
    patch: { tags: tags(50) },
    expected: [["tags", "too-many-tags"]],
  },
  {
    name: "'/' in a tag name",
    base: "overlay-cilium",
    patch: { tags: { "team/owner": "x" } },
    expected: [["tags.team/owner", "invalid-tag-name"]],
  },
  {
    name: "'%' in a tag name",
    base: "overlay-cilium",
    patch: { tags: { "100%": "x" } },
    expected: [["tags.100%", "invalid-tag-name"]],
  },
  {
    name: "empty tag name",
    base: "overlay-cilium",
    patch: { tags: { "": "x" } },
    expected: [["tags.", "invalid-tag-name"]],
  },
  {
    name: "513-character tag name",
    base: "overlay-cilium",
    patch: { tags: { [long(513)]: "x" } },
    expected: [[`tags.${long(513)}`, "tag-name-too-long"]],
  },
  {
    name: "257-character tag value",
    base: "overlay-cilium",
    patch: { tags: { owner: long(257) } },
    expected: [["tags.owner", "tag-value-too-long"]],
  },
  {
    name: "a 'constructor' tag",
    base: "overlay-cilium",
    patch: { tags: { constructor: "x" } },
    expected: [["tags.constructor", "forbidden-tag-name"]],
  },
];

describe("planner rules, one row per outcome", () => {
  it.each(cases)("$name", ({ base, patch, expected }) => {
    expect(codesAt(planCluster(patched(example(base), patch)))).toEqual(expected);
  });

  it("refuses a __proto__ tag by name instead of dropping it", () => {
    const body = JSON.stringify(example("overlay-cilium")).replace(
      '"tags":{',
      '"tags":{"__proto__":{"x":"y"},"a":"b",',
    );
    const input: unknown = JSON.parse(body);
    expect(codesAt(planCluster(input))).toEqual(expect.arrayContaining([["tags.__proto__", "forbidden-tag-name"]]));
  });

  it("request-level rules (tags, pools) still run when the network section is unreadable", () => {
    const input = patched(example("overlay-user-pools"), {
      network: "nope",
      tags: { "a/b": "x" },
      "nodePools.2.name": "apps",
    });
    expect(codesAt(planCluster(input))).toEqual([
      ["network", "invalid-type"],
      ["nodePools.2.name", "duplicate-pool-name"],
      ["tags.a/b", "invalid-tag-name"],
    ]);
  });

  it("too many nodes for overlay, counted over every pool at autoscaler maximum and surge", () => {
    const pools = Array.from({ length: 5 }, (_, i) => ({
      name: `pool${i}`,
      mode: i === 0 ? "System" : "User",
      count: 1,
      minCount: 1,
      maxCount: 1000,
      maxSurge: 1,
      nodeSubnet: { name: `snet-${i}`, addressPrefix: `10.30.${(i + 1) * 4}.0/22` },
    }));
    const input = patched(example("overlay-cilium"), {
      nodePool: undefined,
      nodePools: pools,
      "network.podCidr": "10.128.0.0/9",
    });
    expect(codesAt(planCluster(input))).toEqual([["nodePools", "too-many-nodes-for-overlay"]]);
  });

  it("every code in the rule table is exercised by a test", () => {
    const tested = new Set([
      ...cases.flatMap((c) => c.expected.map(([, code]) => code)),
      // planner.test.ts covers these through the seed requests.
      ...[
        "cidr-not-network-address",
        "pod-subnet-required",
        "pod-subnet-not-allowed",
        "pod-cidr-not-allowed",
        "pod-cidr-required",
      ],
      ...["network-policy-not-supported", "ranges-overlap", "subnet-outside-vnet", "service-cidr-overlaps-network"],
      ...["service-cidr-reserved-range", "dns-ip-outside-service-cidr", "dns-ip-is-network-address"],
      ...[
        "dns-ip-is-broadcast-address",
        "dns-ip-conflicts-api-server",
        "pod-cidr-overlaps-network",
        "subnet-too-small",
      ],
      ...[
        "too-many-nodes-for-kubenet",
        "pod-cidr-too-small",
        "forbidden-tag-name",
        "too-many-nodes-for-overlay",
        "invalid-ip",
      ],
    ]);
    const untested = violationRules.flatMap((rule) => rule.codes).filter((code) => !tested.has(code));
    expect(untested).toEqual([]);
  });
});
