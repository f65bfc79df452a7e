/** Properties of the planner over generated input (fast-check). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { podSubnetIpsPerNode } from "../../src/domain/networkModes.js";
import { planCluster } from "../../src/domain/planner.js";
import { example, patched, type ExampleName } from "./fixtures.js";

const names: ExampleName[] = [
  "overlay",
  "overlay-user-pools",
  "overlay-dual-stack",
  "pod-subnet-static-block",
  "kubenet",
];
const paths = [
  "network",
  "network.mode",
  "network.vnet",
  "network.nodeSubnet.addressPrefix",
  "network.podCidrs",
  "network.outbound",
  "apiServer",
  "nodePools",
  "nodePools.0",
  "nodePools.1.maxCount",
  "nodePool.count",
  "tags",
];

describe("planner properties", () => {
  it("never throws, and always answers a plan or at least one violation, whatever JSON it gets", () => {
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.constantFrom(...paths), fc.jsonValue(), (name, path, value) => {
        const result = planCluster(patched(example(name), { [path]: value }));
        expect(result.ok || result.violations.length > 0).toBe(true);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.jsonValue(), (value) => void planCluster(value)),
      { numRuns: 200 },
    );
  });

  it("a CIDR with surrounding whitespace is always refused, and the same CIDR without it never for syntax", () => {
    const space = fc.constantFrom(" ", "\t", "\n", "\r\n", "\u00a0");
    fc.assert(
      fc.property(fc.integer({ min: 16, max: 24 }), space, fc.boolean(), (prefix, pad, leading) => {
        const cidr = `10.30.0.0/${prefix}`;
        const padded = leading ? `${pad}${cidr}` : `${cidr}${pad}`;
        const refused = planCluster(patched(example("overlay-cilium"), { "network.nodeSubnet.addressPrefix": padded }));
        expect(!refused.ok && refused.violations.map((v) => v.code)).toEqual(["invalid-cidr"]);
        const clean = planCluster(patched(example("overlay-cilium"), { "network.nodeSubnet.addressPrefix": cidr }));
        expect(clean.ok).toBe(true);
      }),
    );
  });

  it("raising a pool's maxCount never lowers what its subnet needs, and what fits at m+1 fits at m", () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 400 }), fc.integer({ min: 0, max: 5 }), (max, surge) => {
        const at = (maxCount: number) =>
          planCluster(
            patched(example("overlay-user-pools"), {
              "nodePools.1.maxCount": maxCount,
              "nodePools.1.maxSurge": surge,
              "nodePools.1.nodeSubnet.addressPrefix": "10.80.4.0/24",
              // Room for every pool's /24 so that only the subnet limits the pool.
              "network.podCidr": "10.128.0.0/10",
            }),
          );
        const lower = at(max);
        const higher = at(max + 1);
        if (higher.ok) expect(lower.ok).toBe(true);
        if (lower.ok && higher.ok) {
          const apps = (r: typeof lower) => (r.ok ? r.plan.subnets.find((s) => s.name === "snet-apps") : undefined);
          expect(apps(higher)?.consumedAtSurge).toBe((apps(lower)?.consumedAtSurge ?? 0) + 1);
        }
        // A /24 holds 251: the apps pool fits exactly while max + surge ≤ 251.
        expect(lower.ok).toBe(max + surge <= 251);
      }),
    );
  });

  it("StaticBlock holds maxPods + 1 in whole /28s; dynamic holds maxPods in 16-IP batches", () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 250 }), (maxPods) => {
        const dynamic = podSubnetIpsPerNode(maxPods, "dynamic");
        const staticBlock = podSubnetIpsPerNode(maxPods, "staticBlock");
        expect(dynamic % 16).toBe(0);
        expect(staticBlock % 16).toBe(0);
        expect(dynamic - maxPods).toBeGreaterThanOrEqual(0);
        expect(dynamic - maxPods).toBeLessThan(16);
        expect(staticBlock - (maxPods + 1)).toBeGreaterThanOrEqual(0);
        expect(staticBlock - (maxPods + 1)).toBeLessThan(16);
      }),
    );
  });
});
