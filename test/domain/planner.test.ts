import { describe, expect, it } from "vitest";
import { planCluster, type PlanResult, type Violation } from "../../src/domain/planner.js";

const sub = "11111111-2222-3333-4444-555555555555";

/** Seed 1: Azure CNI with dynamic pod IPs, pods 10.242.0.0/16 and nodes 10.243.0.0/16 in one VNet, 3 nodes. */
function seed1(network: Record<string, unknown> = {}, rest: Record<string, unknown> = {}) {
  return {
    subscriptionId: sub,
    resourceGroup: "rg-aks-podsubnet",
    location: "eastus2",
    clusterName: "aks-podsubnet",
    network: {
      mode: "pod-subnet",
      vnet: { name: "vnet-aks", addressPrefixes: ["10.240.0.0/12"] },
      nodeSubnet: { name: "snet-nodes", addressPrefix: "10.243.0.0/16" },
      podSubnet: { name: "snet-pods", addressPrefix: "10.242.0.0/16" },
      serviceCidr: "10.0.0.0/16",
      dnsServiceIp: "10.0.0.10",
      networkPolicy: "calico",
      ...network,
    },
    nodePool: { count: 3 },
    features: ["Microsoft.ContainerService/PodSubnetPreview"],
    ...rest,
  };
}

/** Seed 2: kubenet in an existing-style VNet 172.16.0.0/16, 3 nodes, pods in 10.16.0.0/16. */
function seed2(network: Record<string, unknown> = {}, rest: Record<string, unknown> = {}) {
  return {
    subscriptionId: sub,
    resourceGroup: "rg-aks-kubenet",
    location: "eastus",
    clusterName: "aks-kubenet",
    network: {
      mode: "kubenet",
      vnet: { name: "vnet-aks", addressPrefixes: ["172.16.0.0/16"] },
      nodeSubnet: { name: "aks", addressPrefix: "172.16.0.0/20" },
      podCidr: "10.16.0.0/16",
      ...network,
    },
    nodePool: { count: 3 },
    ...rest,
  };
}

function nodeSubnetMode(nodeSubnet: string, nodePool: Record<string, unknown>) {
  return {
    subscriptionId: sub,
    resourceGroup: "rg",
    location: "eastus2",
    clusterName: "aks",
    network: {
      mode: "node-subnet",
      vnet: { name: "vnet", addressPrefixes: ["10.10.0.0/16"] },
      nodeSubnet: { name: "nodes", addressPrefix: nodeSubnet },
    },
    nodePool,
  };
}

function violations(result: PlanResult): Violation[] {
  if (result.ok) throw new Error("expected violations, got a plan");
  return result.violations;
}

function codesAt(result: PlanResult): [string, string][] {
  return violations(result).map((v) => [v.path, v.code]);
}

function plan(result: PlanResult) {
  if (!result.ok) throw new Error(`expected a plan: ${JSON.stringify(result.violations)}`);
  return result;
}

describe("seed requests plan cleanly", () => {
  it("seed 1 (pod-subnet): 3+1 nodes in the node subnet, blocks of 16 per node in the pod subnet", () => {
    const { request, plan: p } = plan(planCluster(seed1()));
    expect(request.network.podCidr).toBeNull();
    expect(request.nodePool).toEqual({ name: "system", vmSize: "Standard_D2s_v5", count: 3, maxPods: 30, maxSurge: 1 });
    expect(p.podIpSource).toBe("pod-subnet");
    expect(p.subnets).toEqual([
      {
        role: "node",
        name: "snet-nodes",
        cidr: "10.243.0.0/16",
        size: 65536,
        reserved: 5,
        usable: 65531,
        consumedNow: 3,
        consumedAtSurge: 4,
        free: 65527,
        headroomNodes: 65527,
      },
      {
        role: "pod",
        name: "snet-pods",
        cidr: "10.242.0.0/16",
        size: 65536,
        reserved: 5,
        usable: 65531,
        consumedNow: 96,
        consumedAtSurge: 128,
        free: 65403,
        headroomNodes: 2043,
      },
    ]);
    expect(p.vnetAddressesConsumedAtSurge).toBe(4 + 128 + 10);
    expect(p.deferredChecks).toEqual([]);
  });

  it("seed 2 (kubenet): only nodes take VNet IPs, one /24 of the pod CIDR per node", () => {
    const { request, plan: p } = plan(planCluster(seed2()));
    expect(request.nodePool.maxPods).toBe(110);
    expect(p.podIpSource).toBe("pod-cidr");
    expect(p.subnets).toHaveLength(1);
    expect(p.subnets[0]).toMatchObject({ usable: 4091, consumedNow: 3, consumedAtSurge: 4 });
    expect(p.podCidr).toEqual({ cidr: "10.16.0.0/16", size: 65536, perNodePrefixLength: 24, maxNodes: 256 });
    expect(p.vnetAddressesConsumedAtSurge).toBe(9);
  });

  it("applies every default in one place", () => {
    const { request } = plan(planCluster(seed2({ podCidr: undefined })));
    expect(request.network).toMatchObject({
      serviceCidr: "10.0.0.0/16",
      dnsServiceIp: "10.0.0.10",
      podCidr: "10.244.0.0/16",
      networkPolicy: "none",
    });
    expect(request.identity.name).toBe("id-aks-kubenet");
    expect(request.dnsPrefix).toBe("aks-kubenet");
    expect(request.network.vnet).toEqual({
      name: "vnet-aks",
      addressPrefixes: ["172.16.0.0/16"],
      resourceGroup: "rg-aks-kubenet",
      subscriptionId: sub,
      existing: false,
    });
    expect(request.verify).toEqual({ demoWorkload: false });
    expect(
      plan(planCluster({ ...seed2(), network: { ...seed2().network, mode: "overlay" } })).request.nodePool.maxPods,
    ).toBe(250);
  });

  it("takes an existing VNet by id and defers the checks that need its address space", () => {
    const vnetId = `/subscriptions/${sub}/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/hub-spoke-1`;
    const { request, plan: p } = plan(planCluster(seed2({ vnet: { id: vnetId } })));
    expect(request.network.vnet).toEqual({
      name: "hub-spoke-1",
      addressPrefixes: [],
      resourceGroup: "rg-network",
      subscriptionId: sub,
      existing: true,
    });
    expect(p.deferredChecks).toContain("subnet-outside-vnet");
  });
});

describe("network rules", () => {
  const cases: { name: string; input: unknown; expected: [string, string][] }[] = [
    {
      name: "subnet outside the VNet",
      input: seed1({ nodeSubnet: { name: "n", addressPrefix: "10.100.0.0/16" } }),
      expected: [["network.nodeSubnet.addressPrefix", "subnet-outside-vnet"]],
    },
    {
      name: "node and pod subnets overlap",
      input: seed1({ podSubnet: { name: "p", addressPrefix: "10.243.128.0/17" } }),
      expected: [["network.podSubnet.addressPrefix", "ranges-overlap"]],
    },
    {
      name: "overlapping VNet prefixes",
      input: seed1({ vnet: { name: "v", addressPrefixes: ["10.240.0.0/12", "10.242.0.0/16"] } }),
      expected: [["network.vnet.addressPrefixes.1", "ranges-overlap"]],
    },
    {
      name: "service CIDR equal to the VNet",
      input: seed2({ serviceCidr: "172.16.0.0/16", dnsServiceIp: "172.16.0.10" }),
      expected: [["network.serviceCidr", "service-cidr-overlaps-network"]],
    },
    {
      name: "service CIDR in a reserved range",
      input: seed1({ serviceCidr: "172.31.0.0/16", dnsServiceIp: "172.31.0.10" }),
      expected: [["network.serviceCidr", "service-cidr-reserved-range"]],
    },
    {
      name: "DNS IP outside the service CIDR",
      input: seed1({ dnsServiceIp: "10.1.0.10" }),
      expected: [["network.dnsServiceIp", "dns-ip-outside-service-cidr"]],
    },
    {
      name: "DNS IP = first address of the service CIDR",
      input: seed1({ dnsServiceIp: "10.0.0.0" }),
      expected: [["network.dnsServiceIp", "dns-ip-is-network-address"]],
    },
    {
      name: "DNS IP = API server address",
      input: seed1({ dnsServiceIp: "10.0.0.1" }),
      expected: [["network.dnsServiceIp", "dns-ip-conflicts-api-server"]],
    },
    {
      name: "DNS IP = broadcast address",
      input: seed1({ dnsServiceIp: "10.0.255.255" }),
      expected: [["network.dnsServiceIp", "dns-ip-is-broadcast-address"]],
    },
    {
      name: "DNS IP is not an IP",
      input: seed1({ dnsServiceIp: "ten" }),
      expected: [["network.dnsServiceIp", "invalid-ip"]],
    },
    {
      name: "pod CIDR overlaps the VNet",
      input: seed2({ podCidr: "172.16.128.0/17" }),
      expected: [["network.podCidr", "pod-cidr-overlaps-network"]],
    },
    {
      name: "pod CIDR overlaps the service CIDR",
      input: seed2({ podCidr: "10.0.0.0/14" }),
      expected: [["network.podCidr", "pod-cidr-overlaps-network"]],
    },
    {
      name: "pod CIDR with pod-subnet mode",
      input: seed1({ podCidr: "10.244.0.0/16" }),
      expected: [["network.podCidr", "pod-cidr-not-allowed"]],
    },
    {
      name: "pod CIDR explicitly null for kubenet",
      input: seed2({ podCidr: null }),
      expected: [["network.podCidr", "pod-cidr-required"]],
    },
    {
      name: "pod subnet missing in pod-subnet mode",
      input: seed1({ podSubnet: undefined }),
      expected: [["network.podSubnet", "pod-subnet-required"]],
    },
    {
      name: "pod subnet given in kubenet mode",
      input: seed2({ podSubnet: { name: "p", addressPrefix: "172.16.16.0/20" } }),
      expected: [["network.podSubnet", "pod-subnet-not-allowed"]],
    },
    {
      name: "Azure network policy with kubenet",
      input: seed2({ networkPolicy: "azure" }),
      expected: [["network.networkPolicy", "network-policy-not-supported"]],
    },
    {
      // AKS documents Cilium with overlay, pod-subnet and node-subnet; kubenet is the one IP mode without it.
      name: "Cilium with kubenet",
      input: seed2({ networkPolicy: "cilium" }),
      expected: [["network.networkPolicy", "network-policy-not-supported"]],
    },
    {
      name: "host bits set",
      input: seed1({ nodeSubnet: { name: "n", addressPrefix: "10.243.0.1/16" } }),
      expected: [["network.nodeSubnet.addressPrefix", "cidr-not-network-address"]],
    },
    {
      name: "not a CIDR",
      input: seed1({ serviceCidr: "10.0.0.0/33" }),
      expected: [["network.serviceCidr", "invalid-cidr"]],
    },
    {
      name: "IPv6 subnet",
      input: seed1({ nodeSubnet: { name: "n", addressPrefix: "fd00:10::/64" } }),
      expected: [["network.nodeSubnet.addressPrefix", "ipv6-not-supported"]],
    },
    {
      name: "a /32 subnet",
      input: seed2({ nodeSubnet: { name: "n", addressPrefix: "172.16.0.4/32" } }),
      expected: [["network.nodeSubnet.addressPrefix", "subnet-too-small"]],
    },
    {
      name: "kubenet over 400 nodes",
      input: seed2({ podCidr: "10.16.0.0/14" }, { nodePool: { count: 400, maxSurge: 1 } }),
      expected: [["nodePool.count", "too-many-nodes-for-kubenet"]],
    },
    {
      name: "kubenet pod CIDR too small for a /24 per node",
      input: seed2({ podCidr: "10.16.0.0/23" }),
      expected: [["network.podCidr", "pod-cidr-too-small"]],
    },
    {
      name: "overlay pod CIDR smaller than /24",
      input: seed2({ podCidr: "10.16.0.0/25" }, { network: undefined }),
      expected: [],
    },
    {
      name: "maxPods above the limit",
      input: seed1({}, { nodePool: { count: 3, maxPods: 300 } }),
      expected: [["nodePool.maxPods", "max-pods-out-of-range"]],
    },
  ];

  for (const testCase of cases.filter((c) => c.expected.length > 0)) {
    it(`${testCase.name} → ${testCase.expected.map((e) => e[1]).join(", ")}`, () => {
      expect(codesAt(planCluster(testCase.input))).toEqual(testCase.expected);
    });
  }

  it("reports every violation at once, not just the first", () => {
    const result = planCluster(
      seed1({
        nodeSubnet: { name: "n", addressPrefix: "10.100.0.0/16" },
        serviceCidr: "10.240.0.0/16",
        dnsServiceIp: "10.9.0.0",
        podCidr: "10.244.0.0/16",
      }),
    );
    expect(
      violations(result)
        .map((v) => v.code)
        .sort(),
    ).toEqual(
      [
        "dns-ip-outside-service-cidr",
        "pod-cidr-not-allowed",
        "service-cidr-overlaps-network",
        "subnet-outside-vnet",
      ].sort(),
    );
  });

  it("reports schema and network violations together", () => {
    const result = planCluster({
      ...seed1({ dnsServiceIp: "10.0.0.0" }),
      clusterName: "-bad-",
      subscriptionId: "nope",
    });
    expect(codesAt(result)).toEqual(
      expect.arrayContaining([
        ["clusterName", "invalid-name"],
        ["subscriptionId", "invalid-subscription-id"],
        ["network.dnsServiceIp", "dns-ip-is-network-address"],
      ]),
    );
  });
});

describe("subnet sizes at the boundary", () => {
  // node-subnet mode needs (count + maxSurge) × (maxPods + 1) usable addresses; Azure keeps 5 per subnet.
  it.each([
    // maxPods 30: 3+1 nodes × 31 = 124 ≤ 128−5 = 123? no: one short.
    { prefix: "10.10.0.0/25", count: 3, maxPods: 30, ok: false, usable: 123, need: 124 },
    { prefix: "10.10.0.0/24", count: 3, maxPods: 30, ok: true, usable: 251, need: 124 },
    // exactly big enough: 7+1 nodes × 31 = 248 ≤ 251 … 8 nodes × 31 = 248, 9 × 31 = 279
    { prefix: "10.10.0.0/24", count: 7, maxPods: 30, ok: true, usable: 251, need: 248 },
    { prefix: "10.10.0.0/24", count: 8, maxPods: 30, ok: false, usable: 251, need: 279 },
    // maxPods 110: 2+1 nodes × 111 = 333 ≤ 507 (/23); 4+1 × 111 = 555 > 507
    { prefix: "10.10.0.0/23", count: 3, maxPods: 110, ok: true, usable: 507, need: 444 },
    { prefix: "10.10.0.0/23", count: 4, maxPods: 110, ok: false, usable: 507, need: 555 },
  ])("node-subnet $prefix, $count nodes, maxPods $maxPods → ok=$ok", ({ prefix, count, maxPods, ok, usable, need }) => {
    const result = planCluster(nodeSubnetMode(prefix, { count, maxPods, maxSurge: 1 }));
    expect(result.ok).toBe(ok);
    if (result.ok) {
      expect(result.plan.subnets[0]).toMatchObject({ usable, consumedAtSurge: need, free: usable - need });
    } else {
      expect(result.violations).toEqual([
        expect.objectContaining({
          path: "network.nodeSubnet.addressPrefix",
          code: "subnet-too-small",
          message: expect.stringContaining(`need ${need}`),
        }),
      ]);
    }
  });

  it("an exactly-full node subnet has no headroom; one address fewer is rejected", () => {
    // 5 nodes at surge × 25 = 125 ≤ 123? Use a non-power-of-two fit: /25 has 123 usable; 3 nodes (2+1) × 41 = 123 exactly.
    const exact = plan(planCluster(nodeSubnetMode("10.10.0.0/25", { count: 2, maxPods: 40, maxSurge: 1 })));
    expect(exact.plan.subnets[0]).toMatchObject({ usable: 123, consumedAtSurge: 123, free: 0, headroomNodes: 0 });
    const short = planCluster(nodeSubnetMode("10.10.0.0/25", { count: 2, maxPods: 41, maxSurge: 1 }));
    expect(codesAt(short)).toEqual([["network.nodeSubnet.addressPrefix", "subnet-too-small"]]);
  });

  it("pod-subnet mode allocates 16-address blocks per node (ceil(maxPods/16)×16)", () => {
    // maxPods 30 → 32 per node; /25 = 123 usable → 3 nodes (96) fit, 4 nodes (128) do not.
    const fits = plan(
      planCluster(seed1({ podSubnet: { name: "p", addressPrefix: "10.242.0.0/25" } }, { nodePool: { count: 2 } })),
    );
    expect(fits.plan.subnets[1]).toMatchObject({ consumedNow: 64, consumedAtSurge: 96, free: 27, headroomNodes: 0 });
    const short = planCluster(seed1({ podSubnet: { name: "p", addressPrefix: "10.242.0.0/25" } }));
    expect(codesAt(short)).toEqual([["network.podSubnet.addressPrefix", "subnet-too-small"]]);
    // maxPods 16 → exactly one block: 7 nodes × 16 = 112 ≤ 123
    const blocks = plan(
      planCluster(
        seed1({ podSubnet: { name: "p", addressPrefix: "10.242.0.0/25" } }, { nodePool: { count: 6, maxPods: 16 } }),
      ),
    );
    expect(blocks.plan.subnets[1]).toMatchObject({ consumedAtSurge: 112 });
  });

  it("a /29 node subnet holds 3 nodes, not more", () => {
    expect(
      plan(
        planCluster(seed2({ nodeSubnet: { name: "n", addressPrefix: "172.16.0.0/29" } }, { nodePool: { count: 2 } })),
      ).plan.subnets[0],
    ).toMatchObject({
      usable: 3,
      consumedAtSurge: 3,
    });
    expect(codesAt(planCluster(seed2({ nodeSubnet: { name: "n", addressPrefix: "172.16.0.0/29" } })))).toEqual([
      ["network.nodeSubnet.addressPrefix", "subnet-too-small"],
    ]);
  });
});

describe("schema errors become violations with paths and codes", () => {
  it.each([
    [null, [["", "invalid-type"]]],
    [[], [["", "invalid-type"]]],
    ["cluster", [["", "invalid-type"]]],
  ])("%j is rejected without throwing", (input, expected) => {
    expect(codesAt(planCluster(input))).toEqual(expected);
  });

  it("names missing fields, wrong types, bad enums and unknown fields", () => {
    const result = planCluster({
      subscriptionId: sub,
      resourceGroup: "rg",
      location: "East US",
      network: {
        mode: "flannel",
        vnet: { name: "v", addressPrefixes: ["10.0.0.0/8"] },
        nodeSubnet: { name: "n", addressPrefix: "10.1.0.0/16" },
      },
      nodePool: { count: "3" },
      colour: "blue",
    });
    expect(codesAt(result)).toEqual(
      expect.arrayContaining([
        ["clusterName", "required"],
        ["location", "invalid-location"],
        ["network.mode", "invalid-enum"],
        ["nodePool.count", "invalid-type"],
        ["colour", "unknown-field"],
      ]),
    );
  });

  it.each([
    ["resourceGroup", "rg."],
    ["clusterName", "-aks"],
    ["clusterName", "a".repeat(64)],
    ["dnsPrefix", "a_b"],
  ])("%s %j breaks the ARM naming rules", (field, value) => {
    expect(codesAt(planCluster({ ...seed1(), [field]: value }))).toEqual([[field, "invalid-name"]]);
  });

  it.each([
    ["nodePool.name", { nodePool: { name: "System" } }],
    ["identity.name", { identity: { name: "id" } }],
    ["features.0", { features: ["PodSubnetPreview"] }],
  ])("%s is checked", (path, patch) => {
    const codes = codesAt(planCluster({ ...seed1(), ...patch }));
    expect(codes[0]?.[0]).toBe(path);
  });

  it("requires a name and prefixes for a new VNet, or a valid id for an existing one", () => {
    expect(codesAt(planCluster(seed1({ vnet: {} })))).toEqual([
      ["network.vnet.name", "required"],
      ["network.vnet.addressPrefixes", "required"],
    ]);
    expect(codesAt(planCluster(seed1({ vnet: { id: "/subscriptions/x/vnet" } })))).toEqual([
      ["network.vnet.id", "invalid-resource-id"],
    ]);
  });
});
