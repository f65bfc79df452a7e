/** IPv6 address math and the dual-stack IP verification: every node and pod checked in both families. */
import { describe, expect, it } from "vitest";
import { anyCidrOf, parseAnyIp, rangeHolds } from "../../src/domain/cidr.js";
import { classifyIpPlacement, expectedRangesFor, type ExpectedRanges } from "../../src/domain/ipClassification.js";
import { example, planned } from "./fixtures.js";

describe("parseAnyIp", () => {
  it.each([
    ["10.70.0.4", 4, 0x0a460004n],
    ["0.0.0.0", 4, 0n],
    ["255.255.255.255", 4, 0xffffffffn],
    ["fd00:70::4", 6, 0xfd000070000000000000000000000004n],
    ["fd00:0070:0000:0000:0000:0000:0000:0004", 6, 0xfd000070000000000000000000000004n],
    ["FD00:70::4", 6, 0xfd000070000000000000000000000004n],
    ["::", 6, 0n],
    ["::1", 6, 1n],
    ["ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 6, 2n ** 128n - 1n],
    ["fd12:3456:789a::1:4", 6, 0xfd123456789a00000000000000010004n],
    ["::ffff:10.0.0.1", 6, 0xffff0a000001n],
  ] as const)("%s is IPv%i %s", (text, family, value) => {
    expect(parseAnyIp(text)).toEqual({ family, value });
  });

  it.each(["", "10.0.0", "10.0.0.256", "010.0.0.1", "fd00::/64", "fd00:::1", "gggg::1", " fd00::1", "10.0.0.1/32"])(
    "%j is not an address",
    (text) => {
      expect(parseAnyIp(text)).toBeNull();
    },
  );
});

describe("rangeHolds", () => {
  it.each([
    ["fd00:70::/64", "fd00:70::4", true],
    ["fd00:70::/64", "fd00:70::ffff:ffff:ffff:ffff", true],
    ["fd00:70::/64", "fd00:70:0:1::", false],
    ["fd00:70::/64", "fd00:6f:ffff:ffff:ffff:ffff:ffff:ffff", false],
    ["fd12:3456:789a::/64", "fd12:3456:789a::1:4", true],
    ["fd12:3456:789a:1::/108", "fd12:3456:789a:1::a", true],
    ["fd12:3456:789a:1::/108", "fd12:3456:789a:1:0:0:10:0", false],
    ["fd12:3456:789a:1::/108", "fd12:3456:789a:1:0:0:f:ffff", true],
    ["::/0", "2001:db8::1", true],
    ["fd00:70::/128", "fd00:70::", true],
    ["fd00:70::/128", "fd00:70::1", false],
    // Families never match, even where the numbers would.
    ["::/96", "10.0.0.1", false],
    ["10.0.0.0/8", "::a00:1", false],
    ["10.70.0.0/22", "10.70.3.255", true],
    ["10.70.0.0/22", "10.70.4.0", false],
  ] as const)("%s holds %s: %s", (cidr, ip, held) => {
    const parsed = parseAnyIp(ip);
    expect(parsed).not.toBeNull();
    expect(rangeHolds(anyCidrOf(cidr), parsed!)).toBe(held);
  });

  it("anyCidrOf refuses what the planner would", () => {
    expect(() => anyCidrOf("fd00:70::1/64")).toThrow();
    expect(() => anyCidrOf("fd00:70::/64 ")).toThrow();
  });
});

const dual: ExpectedRanges = {
  mode: "overlay",
  nodeSubnetCidr: "10.70.0.0/22",
  podSubnetCidr: null,
  podCidr: "10.244.0.0/16",
  ipv6: { nodeSubnetCidr: "fd00:70::/64", podCidr: "fd12:3456:789a::/64" },
};

const node = (name: string, ...internalIps: string[]) => ({ name, internalIp: internalIps[0] ?? null, internalIps });
const pod = (name: string, hostNetwork: boolean, ...ips: string[]) => ({
  namespace: "kube-system",
  name,
  ip: ips[0] ?? null,
  ips,
  hostNetwork,
  phase: "Running",
});

describe("classifyIpPlacement, dual-stack", () => {
  it.each([
    // [what, node addresses, host pod addresses, pod addresses, node ok, host ok, pod ok, node v6 place, pod v6 place]
    [
      "both families in place",
      ["10.70.0.4", "fd00:70::4"],
      ["10.70.0.4", "fd00:70::4"],
      ["10.244.0.4", "fd12:3456:789a::4"],
      true,
      true,
      true,
      "node-subnet",
      "pod-cidr",
    ],
    [
      "IPv6 listed first",
      ["fd00:70::5", "10.70.0.5"],
      ["fd00:70::5", "10.70.0.5"],
      ["fd12:3456:789a:0:1::4", "10.244.1.4"],
      true,
      true,
      true,
      "node-subnet",
      "pod-cidr",
    ],
    ["no IPv6 anywhere", ["10.70.0.4"], ["10.70.0.4"], ["10.244.0.4"], false, false, false, "none", "none"],
    [
      "node IPv6 outside the subnet",
      ["10.70.0.4", "fd00:71::4"],
      ["10.70.0.4", "fd00:71::4"],
      ["10.244.0.4", "fd12:3456:789a::4"],
      false,
      false,
      true,
      "outside",
      "pod-cidr",
    ],
    [
      "pod IPv6 in the node subnet",
      ["10.70.0.4", "fd00:70::4"],
      ["10.70.0.4", "fd00:70::4"],
      ["10.244.0.4", "fd00:70::9"],
      true,
      true,
      false,
      "node-subnet",
      "node-subnet",
    ],
    [
      "hostNetwork pod with a pod-CIDR IPv6",
      ["10.70.0.4", "fd00:70::4"],
      ["10.70.0.4", "fd12:3456:789a::9"],
      ["10.244.0.4", "fd12:3456:789a::4"],
      true,
      false,
      true,
      "node-subnet",
      "pod-cidr",
    ],
    [
      "IPv4 wrong, IPv6 right",
      ["10.71.0.4", "fd00:70::4"],
      ["10.70.0.4", "fd00:70::4"],
      ["10.70.0.9", "fd12:3456:789a::4"],
      false,
      true,
      false,
      "node-subnet",
      "pod-cidr",
    ],
    [
      "garbage IPv6",
      ["10.70.0.4", "fd00:70::zz"],
      ["10.70.0.4", "fd00:70::4"],
      ["10.244.0.4", "fd12:3456:789a::4"],
      false,
      true,
      true,
      "none",
      "pod-cidr",
    ],
  ] as const)("%s", (_what, nodeIps, hostIps, podIps, nodeOk, hostOk, podOk, nodeV6, podV6) => {
    const result = classifyIpPlacement(dual, {
      nodes: [node("n0", ...nodeIps)],
      pods: [pod("kube-proxy-a", true, ...hostIps), pod("coredns-a", false, ...podIps)],
    });
    const [host, other] = result.pods;
    expect([result.nodes[0]?.ok, host?.ok, other?.ok]).toEqual([nodeOk, hostOk, podOk]);
    expect(result.nodes[0]?.actualV6).toBe(nodeV6);
    expect(other?.actualV6).toBe(podV6);
    expect(result.passed).toBe(nodeOk && hostOk && podOk);
  });

  it("rows carry each family's address, the IPv4 one in `ip` whatever the order", () => {
    const result = classifyIpPlacement(dual, {
      nodes: [node("n0", "fd00:70::4", "10.70.0.4")],
      pods: [pod("coredns-a", false, "fd12:3456:789a::4", "10.244.0.4")],
    });
    expect(result.nodes[0]).toMatchObject({ ip: "10.70.0.4", ipv6: "fd00:70::4", actual: "node-subnet" });
    expect(result.pods[0]).toMatchObject({ ip: "10.244.0.4", ipv6: "fd12:3456:789a::4", expected: "pod-cidr" });
  });

  it("single-stack rows keep their shape (no IPv6 fields)", () => {
    const { ipv6: _ignored, ...single } = dual;
    const result = classifyIpPlacement(single, { nodes: [node("n0", "10.70.0.4")], pods: [] });
    expect(result.nodes[0]).toEqual({
      name: "n0",
      ip: "10.70.0.4",
      expected: "node-subnet",
      actual: "node-subnet",
      ok: true,
    });
  });

  it("expectedRangesFor reads the IPv6 ranges from the dual-stack example, and none from a single-stack one", () => {
    expect(expectedRangesFor(planned(example("overlay-dual-stack")).request).ipv6).toEqual({
      nodeSubnetCidr: "fd00:70::/64",
      podCidr: "fd12:3456:789a::/64",
    });
    expect(expectedRangesFor(planned(example("overlay")).request).ipv6).toBeUndefined();
  });
});
