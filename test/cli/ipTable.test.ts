/** The CLI's IP verification table shows both addresses of a dual-stack row, and single-stack rows as before. */
import { describe, expect, it } from "vitest";
import { formatIpVerification } from "../../cli/src/format.js";
import { classifyIpPlacement, type ExpectedRanges } from "../../src/domain/ipClassification.js";
import type { StatusDocument } from "../../src/domain/statusDocument.js";

const ranges: ExpectedRanges = {
  mode: "overlay",
  nodeSubnetCidr: "10.70.0.0/22",
  podSubnetCidr: null,
  podCidr: "10.244.0.0/16",
  ipv6: { nodeSubnetCidr: "fd00:70::/64", podCidr: "fd12:3456:789a::/64" },
};
const observed = {
  nodes: [{ name: "n0", internalIp: "10.70.0.4", internalIps: ["10.70.0.4", "fd00:70::4"] }],
  pods: [
    {
      namespace: "kube-system",
      name: "coredns-a",
      ip: "10.244.0.4",
      ips: ["10.244.0.4", "fd12:3456:789a::4"],
      hostNetwork: false,
      phase: "Running",
    },
  ],
};
const documentWith = (ipVerification: StatusDocument["ipVerification"]) => ({ ipVerification }) as StatusDocument;

describe("formatIpVerification", () => {
  it("shows both families' addresses and where each landed", () => {
    const text = formatIpVerification(documentWith(classifyIpPlacement(ranges, observed)));
    expect(text).toMatch(/node\s+n0\s+10\.70\.0\.4, fd00:70::4\s+node-subnet\s+node-subnet\/node-subnet\s+ok/);
    expect(text).toMatch(/coredns-a\s+10\.244\.0\.4, fd12:3456:789a::4\s+pod-cidr\s+pod-cidr\/pod-cidr\s+ok/);
    expect(text).toContain("PASSED");
  });

  it("keeps single-stack rows to one address", () => {
    const { ipv6: _none, ...single } = ranges;
    const text = formatIpVerification(documentWith(classifyIpPlacement(single, observed)));
    expect(text).toMatch(/node\s+n0\s+10\.70\.0\.4\s+node-subnet\s+node-subnet\s+ok/);
    expect(text).not.toContain("fd00:70::4");
  });
});
