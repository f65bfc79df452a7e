/** The normalised ClusterRequest: defaults applied once, pools, canonical strings, referenced resources' homes. */
import { describe, expect, it } from "vitest";
import { clusterRequestSchema, normalisedRequestSchema } from "../../src/domain/clusterRequest.js";
import { planCluster } from "../../src/domain/planner.js";
import { requestDefaults } from "../../src/domain/requestDefaults.js";
import { exampleBodies, plannedExample } from "../fixtures/examples.js";
import { codesAt, example, patched, planned } from "./fixtures.js";

const sub = "11111111-2222-3333-4444-555555555555";
const otherSub = "99999999-8888-7777-6666-555555555555";

describe("defaults", () => {
  it("mode defaults to overlay, with the Azure dataplane, dynamic IPs, IPv4 and load-balancer egress", () => {
    const input = patched(example("overlay-cilium"), {
      "network.dataplane": undefined,
      "network.networkPolicy": undefined,
    });
    const { request } = planned(input);
    expect(request.network).toMatchObject({
      mode: "overlay",
      dataplane: "azure",
      networkPolicy: "none",
      podIpAllocation: "dynamic",
      ipFamilies: ["IPv4"],
      podCidr: requestDefaults.podCidr,
      podCidrs: [requestDefaults.podCidr],
      serviceCidrs: [requestDefaults.serviceCidr],
      apiServerSubnet: null,
      outbound: { type: "loadBalancer", natGateway: null, routeTable: null, nextHopIp: null },
    });
    expect(request.apiServer).toEqual({ private: false, vnetIntegration: false, authorizedIpRanges: [] });
  });

  it("networkPolicy cilium keeps meaning the Cilium dataplane, as it always did", () => {
    expect(planned(example("overlay")).request.network.dataplane).toBe("cilium");
  });

  it("dual-stack defaults to AKS's documented IPv6 ranges beside the given IPv4 ones", () => {
    const input = patched(example("overlay-dual-stack"), {
      "network.podCidrs": undefined,
      "network.serviceCidrs": undefined,
      "network.serviceCidr": "10.1.0.0/16",
      "network.dnsServiceIp": "10.1.0.10",
    });
    const { request } = planned(input);
    expect(request.network.podCidrs).toEqual([requestDefaults.podCidr, requestDefaults.podCidrV6]);
    expect(request.network.serviceCidrs).toEqual(["10.1.0.0/16", requestDefaults.serviceCidrV6]);
    expect(request.network.nodeSubnet).toEqual({
      name: "snet-nodes",
      addressPrefix: "10.70.0.0/22",
      ipv6AddressPrefix: "fd00:70::/64",
    });
  });

  it("a NAT gateway or route table without a name gets one derived from the cluster, and the Standard SKU", () => {
    const nat = planned(patched(example("overlay-private-nat-gateway"), { "network.outbound.natGateway": undefined }));
    expect(nat.request.network.outbound.natGateway).toEqual({
      subscriptionId: sub,
      resourceGroup: "rg-aks-private",
      name: "ng-aks-private",
      existing: false,
      sku: "Standard",
    });
  });

  it("the caller's NAT gateway keeps its SKU unless the request names one", () => {
    const id = `/subscriptions/${sub}/resourceGroups/rg-hub/providers/Microsoft.Network/natGateways/ng-hub`;
    const theirs = planned(patched(example("overlay-private-nat-gateway"), { "network.outbound.natGateway": { id } }));
    expect(theirs.request.network.outbound.natGateway).toMatchObject({ existing: true, sku: null });
    const named = planned(
      patched(example("overlay-private-nat-gateway"), { "network.outbound.natGateway": { id, sku: "StandardV2" } }),
    );
    expect(named.request.network.outbound.natGateway).toMatchObject({ existing: true, sku: "StandardV2" });
  });

  it("the schema's parse yields the same normalised request as the planner", () => {
    expect(clusterRequestSchema.parse(example("overlay-user-pools"))).toEqual(
      planned(example("overlay-user-pools")).request,
    );
  });
});

describe("node pools", () => {
  it("the legacy nodePool is one System pool, and nodePool mirrors it", () => {
    const { request } = planned(example("pod-subnet"));
    expect(request.nodePools).toEqual([
      {
        name: "system",
        mode: "System",
        vmSize: "Standard_D2s_v5",
        count: 3,
        minCount: null,
        maxCount: null,
        maxPods: 30,
        maxSurge: 1,
        nodeSubnet: { name: "snet-nodes", addressPrefix: "10.243.0.0/16" },
        podSubnet: { name: "snet-pods", addressPrefix: "10.242.0.0/16" },
      },
    ]);
    expect(request.nodePool).toEqual({ name: "system", vmSize: "Standard_D2s_v5", count: 3, maxPods: 30, maxSurge: 1 });
  });

  it("System pools come first; nodePool is the first System pool; pools without subnets share the cluster's", () => {
    const input = patched(example("overlay-user-pools"), {
      nodePools: [
        { name: "apps", mode: "User", count: 2 },
        { name: "sys", mode: "System", count: 3, vmSize: "Standard_D8s_v5", maxPods: 60 },
      ],
    });
    const { request } = planned(input);
    expect(request.nodePools.map((p) => [p.name, p.mode, p.nodeSubnet.name])).toEqual([
      ["sys", "System", "snet-system"],
      ["apps", "User", "snet-system"],
    ]);
    expect(request.nodePool).toEqual({ name: "sys", vmSize: "Standard_D8s_v5", count: 3, maxPods: 60, maxSurge: 1 });
  });
});

describe("autoscaled pools", () => {
  it("start at minCount when no count is given", () => {
    const input = patched(example("overlay-user-pools"), { "nodePools.1.count": undefined, "nodePools.1.minCount": 5 });
    expect(planned(input).request.nodePools[1]).toMatchObject({ count: 5, minCount: 5, maxCount: 20 });
  });
});

describe("references to existing resources keep their own subscription (audit D7)", () => {
  const vnetId = `/subscriptions/${otherSub}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub`;

  it("keeps the VNet id's subscription and warns about it", () => {
    const result = planned(patched(example("kubenet"), { "network.vnet": { id: vnetId } }));
    expect(result.request.network.vnet).toEqual({
      subscriptionId: otherSub,
      resourceGroup: "rg-hub",
      name: "vnet-hub",
      addressPrefixes: [],
      existing: true,
    });
    expect(result.warnings.map((w) => [w.path, w.code])).toContainEqual([
      "network.vnet.id",
      "resource-in-other-subscription",
    ]);
  });

  it("compares subscriptions case-insensitively", () => {
    const upper = vnetId.replace(otherSub, sub.toUpperCase());
    const result = planned(patched(example("kubenet"), { "network.vnet": { id: upper } }));
    expect(result.request.network.vnet.subscriptionId).toBe(sub);
    expect(result.warnings.map((w) => w.code)).not.toContain("resource-in-other-subscription");
  });
});

describe("accepted addresses are exactly the canonical strings ARM gets (audit D9)", () => {
  it("every CIDR and IP in the normalised request is its own canonical form", () => {
    for (const name of ["overlay-dual-stack", "overlay-udr-egress", "pod-subnet", "overlay-user-pools"] as const) {
      const { request } = planned(example(name));
      const texts = [
        ...request.network.vnet.addressPrefixes,
        ...request.nodePools.flatMap((p) => [p.nodeSubnet.addressPrefix, p.podSubnet?.addressPrefix ?? ""]),
        ...request.network.serviceCidrs,
        ...request.network.podCidrs,
        request.network.dnsServiceIp,
      ].filter((text) => text !== "");
      for (const text of texts) expect(text).toBe(text.trim());
    }
  });

  it("refuses padded values instead of trimming them for the check only", () => {
    const result = planCluster(patched(example("pod-subnet"), { "network.podSubnet.addressPrefix": "10.242.0.0/16 " }));
    expect(codesAt(result)).toEqual([["network.podSubnet.addressPrefix", "invalid-cidr"]]);
    expect(!result.ok && result.violations[0]?.message).toContain("no surrounding whitespace");
  });
});

describe("tags (audit D14)", () => {
  it("keeps every accepted tag", () => {
    expect(planned(patched(example("overlay"), { tags: { a: "1", b: "" } })).request.tags).toEqual({ a: "1", b: "" });
  });
});

describe("the normalised request's schema (its type, and what the status document publishes)", () => {
  it.each(Object.keys(exampleBodies))("describes the normalised %s exactly, no field more or less", (name) => {
    const request = plannedExample(name);
    expect(normalisedRequestSchema.parse(request)).toEqual(request);
  });

  it("refuses a field it does not describe, and a missing one", () => {
    const request = plannedExample("overlay");
    expect(normalisedRequestSchema.safeParse({ ...request, extra: 1 }).success).toBe(false);
    const { dnsPrefix: _dropped, ...missing } = request;
    expect(normalisedRequestSchema.safeParse(missing).success).toBe(false);
  });
});
