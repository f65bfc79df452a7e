/**
 * The console's pure logic in Node (the browser test covers the drawing): CIDR arithmetic, the address-map model,
 * which range a violation path concerns, pods grouped by node, and Retry-After parsing.
 */
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../e2e/harness.js";

const load = async (name: string): Promise<any> => import(pathToFileURL(join(repoRoot, "console/js", name)).href);
const { parseCidr, parseIp, formatIp, containsRange } = await load("cidr.js");
const { mapModel, concerns } = await load("addressMap.js");
const { groupByNode } = await load("runPage.js");
const { retryAfterSeconds } = await load("api.js");
const { labelOf } = await load("schemaForm.js");

describe("form labels", () => {
  it("read as words, with the acronyms people write", () => {
    expect(labelOf("ipv6AddressPrefix")).toBe("IPv6 address prefix");
    expect(labelOf("dnsServiceIp")).toBe("DNS service IP");
    expect(labelOf("nodeSubnet")).toBe("node subnet");
    expect(labelOf("vnet")).toBe("VNet");
  });
});

describe("cidr", () => {
  it("parses IPv4 CIDRs to ranges and refuses anything else", () => {
    expect(parseCidr("10.240.0.0/12")).toEqual({
      text: "10.240.0.0/12",
      start: 10 * 2 ** 24 + 240 * 2 ** 16,
      size: 2 ** 20,
      prefixLength: 12,
    });
    expect(parseCidr("0.0.0.0/0")?.size).toBe(2 ** 32);
    expect(parseCidr("10.0.0.7/30")?.start).toBe(parseIp("10.0.0.4"));
    for (const bad of ["10.0.0.0", "10.0.0.0/33", "10.0.0.256/24", "fd00::/8", "10.0.0.0/24/1", 42, null]) {
      expect(parseCidr(bad), String(bad)).toBeNull();
    }
    expect(formatIp(parseIp("192.168.10.255"))).toBe("192.168.10.255");
    expect(containsRange(parseCidr("10.0.0.0/8"), parseCidr("10.255.255.0/24"))).toBe(true);
    expect(containsRange(parseCidr("10.0.0.0/16"), parseCidr("10.1.0.0/24"))).toBe(false);
  });
});

describe("address map model", () => {
  it("takes ranges from the request and usage from the plan", () => {
    const request = {
      network: {
        mode: "pod-subnet",
        vnet: { name: "v", addressPrefixes: ["10.240.0.0/12"] },
        nodeSubnet: { name: "n", addressPrefix: "10.243.0.0/16" },
        podSubnet: { name: "p", addressPrefix: "10.242.0.0/16" },
      },
    };
    const plan = {
      mode: "pod-subnet",
      subnets: [
        {
          role: "node",
          name: "n",
          cidr: "10.243.0.0/16",
          size: 65536,
          reserved: 5,
          usable: 65531,
          consumedNow: 3,
          consumedAtSurge: 4,
          free: 65527,
        },
        {
          role: "pod",
          name: "p",
          cidr: "10.242.0.0/16",
          size: 65536,
          reserved: 5,
          usable: 65531,
          consumedNow: 96,
          consumedAtSurge: 128,
          free: 65403,
        },
        {
          role: "node",
          name: "extra",
          cidr: "10.244.0.0/24",
          size: 256,
          reserved: 5,
          usable: 251,
          consumedNow: 3,
          consumedAtSurge: 4,
          free: 247,
        },
      ],
      podCidr: null,
      serviceCidr: "10.0.0.0/16",
      dnsServiceIp: "10.0.0.10",
      warnings: ["a field this console does not know"],
    };
    const model = mapModel(request, plan);
    expect(model.prefixes.map((p: any) => p.path)).toEqual(["network.vnet.addressPrefixes.0"]);
    expect(model.subnets.map((s: any) => [s.key, s.usage?.consumedNow])).toEqual([
      ["node-subnet", 3],
      ["pod-subnet", 96],
      ["subnet-2", 3],
    ]);
    expect(model.serviceCidr.cidr).toBe("10.0.0.0/16");
    expect(model.dnsServiceIp).toMatchObject({ ip: "10.0.0.10", value: parseIp("10.0.0.10") });
    expect(model.podCidr).toBeNull();
  });

  it("draws what it can of an invalid request, without a plan", () => {
    const model = mapModel({
      network: {
        mode: "kubenet",
        vnet: { id: "/subscriptions/x/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/existing" },
        nodeSubnet: { name: "n", addressPrefix: "nonsense" },
        podCidr: "10.16.0.0/16",
      },
    });
    expect(model.vnetName).toBe("existing");
    expect(model.prefixes).toEqual([]);
    expect(model.subnets[0].range).toBeNull();
    expect(model.podCidr.range.size).toBe(65536);
    expect(mapModel(null).subnets).toEqual([]);
  });

  it("matches violation paths to the range they concern", () => {
    expect(concerns("network.nodeSubnet.addressPrefix", "network.nodeSubnet")).toBe(true);
    expect(concerns("network.vnet.addressPrefixes", "network.vnet.addressPrefixes.1")).toBe(true);
    expect(concerns("network.vnet.addressPrefixes.1", "network.vnet.addressPrefixes.0")).toBe(false);
    expect(concerns("network.podSubnetX", "network.podSubnet")).toBe(false);
    expect(concerns("network.serviceCidr", "network.dnsServiceIp")).toBe(false);
  });
});

describe("pods grouped by node", () => {
  it("uses nodeName when the API reports it, else the hostNetwork pod's IP", () => {
    const verification = {
      nodes: [
        { name: "n0", ip: "10.0.0.4" },
        { name: "n1", ip: "10.0.0.5" },
      ],
      pods: [
        { name: "proxy-a", ip: "10.0.0.4", hostNetwork: true },
        { name: "proxy-b", ip: "10.0.0.5", hostNetwork: true },
        { name: "dns", ip: "10.244.1.3", hostNetwork: false, nodeName: "n1" },
        { name: "orphan", ip: "10.244.0.9", hostNetwork: false },
      ],
    };
    const { groups, unplaced } = groupByNode(verification);
    expect(groups.map((g: any) => [g.node.name, g.pods.map((p: any) => p.name)])).toEqual([
      ["n0", ["proxy-a"]],
      ["n1", ["proxy-b", "dns"]],
    ]);
    expect(unplaced.map((p: any) => p.name)).toEqual(["orphan"]);
    expect(groupByNode(null)).toEqual({ groups: [], unplaced: [] });
  });
});

describe("Retry-After", () => {
  it("reads delta-seconds and HTTP dates, else the fallback", () => {
    expect(retryAfterSeconds(new Headers({ "retry-after": "10" }), 5)).toBe(10);
    expect(retryAfterSeconds(new Headers(), 5)).toBe(5);
    expect(retryAfterSeconds(new Headers({ "retry-after": "soon" }), 5)).toBe(5);
    const inTwenty = new Date(Date.now() + 20_000).toUTCString();
    expect(retryAfterSeconds(new Headers({ "retry-after": inTwenty }), 5)).toBeGreaterThan(15);
  });
});

describe("the form's schema", () => {
  it("is the API's own request schema, read from the OpenAPI document the API serves", async () => {
    const { resolveRequestSchema } = await load("planPage.js");
    const { openApiDocument } = await import("../../src/http/openapi.js");
    const doc = openApiDocument() as { components: { schemas: Record<string, unknown> } };
    expect(resolveRequestSchema(doc)).toBe(doc.components.schemas.ClusterRequest);
  });
});
