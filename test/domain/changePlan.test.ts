/**
 * The change planner: each row of the change table against two specs of the same cluster, the fields it refuses,
 * the acknowledgement it asks for, the address map before and after, and the run's subnet check on AKS's real pools.
 */
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { planCluster } from "../../src/domain/planner.js";
import { splitAcknowledge } from "../../src/http/changeRequest.js";
import { changeRules } from "../../src/domain/changes/changeRules.js";
import { planChanges } from "../../src/domain/changes/changePlan.js";
import { egressToDetach } from "../../src/domain/changes/networkChangeRules.js";
import { subnetRoom, type LivePool } from "../../src/domain/changes/subnetRoom.js";
import { plannedExample } from "../fixtures/examples.js";

const pools = (change: (body: Record<string, any>) => void = () => {}) => plannedExample("overlay-user-pools", change);

describe("change rules", () => {
  const cases: { name: string; change: (body: Record<string, any>) => void; codes: string[]; paths: string[] }[] = [
    { name: "no change", change: () => {}, codes: [], paths: [] },
    {
      name: "tags",
      change: (body) => (body.tags = { owner: "team-b" }),
      codes: ["tags-update"],
      paths: ["tags"],
    },
    {
      name: "a user pool's count",
      change: (body) => (body.nodePools[1].count = 5),
      codes: ["pool-scale"],
      paths: ["nodePools.1.count"],
    },
    {
      name: "the System pool's count",
      change: (body) => (body.nodePools[0].count = 4),
      codes: ["pool-scale"],
      paths: ["nodePools.0.count"],
    },
    {
      name: "autoscaler bounds",
      change: (body) => (body.nodePools[2].maxCount = 60),
      codes: ["pool-autoscale"],
      paths: ["nodePools.2.maxCount"],
    },
    {
      name: "a new pool",
      change: (body) =>
        body.nodePools.push({
          name: "gpu",
          mode: "User",
          vmSize: "Standard_D4s_v5",
          count: 2,
          nodeSubnet: { name: "snet-gpu", addressPrefix: "10.80.12.0/24" },
        }),
      codes: ["pool-add"],
      paths: ["nodePools.3"],
    },
    {
      name: "a dropped pool",
      change: (body) => body.nodePools.splice(1, 1),
      codes: ["pool-remove"],
      paths: ["nodePools.1"],
    },
  ];
  it.each(cases)("$name", ({ change, codes, paths }) => {
    const plan = planChanges(pools(), pools(change));
    expect(plan.refused).toEqual([]);
    expect(plan.changes.map((item) => item.code)).toEqual(codes);
    expect(plan.changes.flatMap((item) => item.paths)).toEqual(paths);
  });

  it("has one row per code, each listed", () => {
    const codes = changeRules.map((rule) => rule.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toEqual([
      "tags-update",
      "pool-scale",
      "pool-autoscale",
      "pool-add",
      "pool-remove",
      "kubenet-to-overlay",
      "outbound-type",
      "nat-gateway-sku",
      "apiserver-vnet-integration",
      "cilium-dataplane",
    ]);
  });

  it("refuses every field AKS cannot change in place, naming each, and compares pools by name", () => {
    const plan = planChanges(
      pools(),
      pools((body) => {
        body.nodePools.splice(1, 1);
        body.nodePools[1].vmSize = "Standard_D32s_v5";
        body.network.nodeSubnet.addressPrefix = "10.80.1.0/24";
      }),
    );
    expect(plan.refused.map((refused) => refused.path)).toEqual([
      "network.nodeSubnet.addressPrefix",
      "nodePools.0.nodeSubnet.addressPrefix",
      "nodePools.1.vmSize",
    ]);
    expect(plan.refused.every((refused) => refused.code === "immutable-field")).toBe(true);
  });

  it("refuses a different first System pool: AKS builds it with the cluster", () => {
    const plan = planChanges(
      pools(),
      pools((body) => (body.nodePools[0].name = "system2")),
    );
    expect(plan.refused.map((refused) => refused.path)).toContain("nodePools.0.name");
  });

  it("asks for an acknowledgement of a pool removal only", () => {
    expect(
      planChanges(
        pools(),
        pools((body) => body.nodePools.splice(2, 1)),
      ).acknowledgementNeeded,
    ).toEqual(["pool-remove"]);
    expect(
      planChanges(
        pools(),
        pools((body) => (body.nodePools[1].count = 4)),
      ).acknowledgementNeeded,
    ).toEqual([]);
  });

  it("shows the address map before and after, and the plan-time subnet check with its numbers", () => {
    const plan = planChanges(
      pools(),
      pools((body) => (body.nodePools[1].maxCount = 40)),
    );
    const apps = (map: typeof plan.addresses.before) => map.pools.find((pool) => pool.name === "apps");
    expect(apps(plan.addresses.before)?.nodesAtSurge).toBe(22);
    expect(apps(plan.addresses.after)?.nodesAtSurge).toBe(42);
    expect(plan.addresses.after.subnets.find((subnet) => subnet.name === "snet-apps")).toMatchObject({
      cidr: "10.80.4.0/22",
      usable: 1019,
      consumedAtSurge: 42,
    });
    expect(plan.checks.filter((check) => check.code === "subnet-room").map((check) => check.when)).toEqual([
      "plan",
      "run",
    ]);
    expect(plan.checks[0]).toMatchObject({ status: "passed", message: expect.stringContaining("42 of 1019") });
  });
});

describe("subnet room against AKS's real pools", () => {
  const subnetId = (name: string) =>
    `/subscriptions/s/resourceGroups/rg-aks-pools/providers/Microsoft.Network/virtualNetworks/vnet-aks/subnets/${name}`;
  const live = (name: string, count: number, subnet: string): LivePool => ({
    name,
    count,
    maxPods: 250,
    nodeSubnetId: subnetId(subnet),
    podSubnetId: null,
  });
  const small = (body: Record<string, any>) => {
    body.nodePools[1].nodeSubnet.addressPrefix = "10.80.4.0/27";
    body.nodePools[1].count = 3;
    body.nodePools[1].minCount = 3;
    body.nodePools[1].maxCount = 20;
  };

  it("fits when only the spec's own pools use the subnet", () => {
    const rooms = subnetRoom(pools(small), [live("apps", 3, "snet-apps")]);
    expect(rooms.find((room) => room.subnet === "snet-apps")).toMatchObject({ usable: 27, needed: 22, fits: true });
  });

  it("is full when a pool made outside the spec uses the same subnet", () => {
    const rooms = subnetRoom(pools(small), [live("apps", 3, "snet-apps"), live("adhoc", 6, "snet-apps")]);
    expect(rooms.find((room) => room.subnet === "snet-apps")).toMatchObject({
      others: 6,
      otherPools: ["adhoc"],
      needed: 22,
      fits: false,
    });
  });

  it("does not count a pool in another VNet's subnet of the same name", () => {
    const elsewhere = {
      ...live("adhoc", 6, "snet-apps"),
      nodeSubnetId: subnetId("snet-apps").replace("vnet-aks", "x"),
    };
    expect(subnetRoom(pools(small), [elsewhere]).every((room) => room.fits)).toBe(true);
  });
});

describe("kubenet to overlay", () => {
  const kubenet = (change: (body: Record<string, any>) => void = () => {}) => plannedExample("kubenet", change);
  const overlay = (change: (body: Record<string, any>) => void = () => {}) =>
    kubenet((body) => {
      body.network.mode = "overlay";
      body.network.podCidr = "192.168.0.0/16";
      body.nodePool.maxPods = 110;
      change(body);
    });

  it("is one change, one-way, reimaging every node, with its pre-checks passed", () => {
    const plan = planChanges(kubenet(), overlay());
    expect(plan.refused).toEqual([]);
    expect(plan.changes).toMatchObject([
      { code: "kubenet-to-overlay", kind: "one-way", paths: ["network.mode", "network.podCidr"] },
    ]);
    expect(plan).toMatchObject({ oneWay: true, reimagesNodes: true, acknowledgementNeeded: ["kubenet-to-overlay"] });
    expect(plan.checks.filter((check) => check.when === "plan").map((check) => [check.code, check.status])).toEqual([
      ["network-policy-none", "passed"],
      ["no-windows-pools", "passed"],
      ["user-assigned-identity", "passed"],
      ["pod-cidr-clear", "passed"],
    ]);
    expect(plan.addresses.before.podCidr).toBe("10.16.0.0/16");
    expect(plan.addresses.after.podCidr).toBe("192.168.0.0/16");
  });

  it("fails its pre-check while a network policy is installed", () => {
    const plan = planChanges(
      kubenet((body) => (body.network.networkPolicy = "calico")),
      overlay((body) => (body.network.networkPolicy = "calico")),
    );
    expect(plan.checks.find((check) => check.code === "network-policy-none")?.status).toBe("failed");
  });

  it("refuses maxPods left to the overlay default: AKS keeps each pool's", () => {
    const plan = planChanges(
      kubenet(),
      overlay((body) => delete body.nodePool.maxPods),
    );
    expect(plan.refused.map((refused) => refused.path)).toEqual(["nodePools.0.maxPods"]);
  });

  it("does not let any other plugin change through", () => {
    const plan = planChanges(overlay(), kubenet());
    expect(plan.refused.map((refused) => refused.path)).toEqual(
      expect.arrayContaining(["network.mode", "network.podCidr"]),
    );
  });
});

const changeBases: Record<string, string> = {
  "kubenet-to-overlay.json": "kubenet",
  "nat-gateway-sku.json": "overlay-private-nat-gateway",
  "cilium-dataplane.json": "overlay-udr-egress",
};

describe("docs/examples/changes: one change request per code, against overlay-user-pools.json", () => {
  const folder = fileURLToPath(new URL("../../docs/examples/changes/", import.meta.url));
  const files = readdirSync(folder).filter((file) => file.endsWith(".json"));

  const planOf = (file: string) => {
    const split = splitAcknowledge(JSON.parse(readFileSync(`${folder}${file}`, "utf8")));
    if (!split.ok) throw new Error(JSON.stringify(split.problem));
    const next = planCluster(split.spec);
    if (!next.ok) throw new Error(JSON.stringify(next.violations));
    // Each is a change of overlay-user-pools.json, but those that need another cluster to start from.
    const base = plannedExample(changeBases[file] ?? "overlay-user-pools");
    return { plan: planChanges(base, next.request), acknowledge: split.acknowledge };
  };

  it("covers every change code", () => {
    const codes = new Set(files.flatMap((file) => planOf(file).plan.changes.map((change) => change.code)));
    expect([...codes].sort()).toEqual(changeRules.map((rule) => rule.code).sort());
  });

  it.each(files)("%s plans as its code, acknowledged where it must be", (file) => {
    const { plan, acknowledge } = planOf(file);
    expect(plan.refused).toEqual([]);
    expect(plan.changes.map((change) => change.code)).toContain(file.replace(/\.json$/, ""));
    expect(plan.acknowledgementNeeded.every((code) => acknowledge.includes(code))).toBe(true);
  });
});

describe("egress changes", () => {
  const lb = (change: (body: Record<string, any>) => void = () => {}) => plannedExample("overlay", change);
  const nat =
    (name = "ng-aks", sku = "Standard") =>
    (body: Record<string, any>) =>
      (body.network.outbound = { type: "userAssignedNATGateway", natGateway: { name, sku } });
  const udr = (body: Record<string, any>) =>
    (body.network.outbound = { type: "userDefinedRouting", routeTable: { name: "rt-aks" }, nextHopIp: "10.30.100.4" });
  const none = (body: Record<string, any>) => (body.network.outbound = { type: "none" });

  it.each([
    ["loadBalancer → userAssignedNATGateway", lb(), lb(nat())],
    ["loadBalancer → userDefinedRouting", lb(), lb(udr)],
    ["userAssignedNATGateway → loadBalancer", lb(nat()), lb()],
    ["userAssignedNATGateway → userDefinedRouting", lb(nat()), lb(udr)],
    ["userDefinedRouting → loadBalancer", lb(udr), lb()],
    ["userDefinedRouting → userAssignedNATGateway", lb(udr), lb(nat())],
  ])("%s is the disruptive outbound-type change AKS makes in a BYO VNet", (_name, before, after) => {
    const plan = planChanges(before, after);
    expect(plan.refused).toEqual([]);
    expect(plan.changes.map((change) => [change.code, change.kind])).toEqual([["outbound-type", "disruptive"]]);
    expect(plan.acknowledgementNeeded).toEqual(["outbound-type"]);
    expect(plan.changes[0]?.operations.at(-1)).toBe(
      `PUT managedClusters (outboundType ${after.network.outbound.type})`,
    );
    expect(plan.checks.map((check) => check.code)).toEqual(
      expect.arrayContaining(["outbound-migration-path", "egress-on-subnets", "egress-verified"]),
    );
  });

  it("takes the old NAT gateway off the subnets before the load balancer takes over, and names the role it adds", () => {
    const plan = planChanges(lb(nat()), lb(udr));
    expect(plan.changes[0]?.operations).toEqual([
      "PUT routeTables/rt-aks (0.0.0.0/0)",
      "PUT subnets/{each} (NAT gateway ng-aks removed)",
      "PUT subnets/{each} (route table rt-aks)",
      "PUT roleAssignments (Network Contributor on route table rt-aks)",
      "PUT managedClusters (outboundType userDefinedRouting)",
    ]);
    expect(egressToDetach(lb(nat()), lb(udr))).toMatchObject({ natGateway: { name: "ng-aks" }, routeTable: null });
    expect(egressToDetach(lb(), lb(nat()))).toBeNull();
  });

  it.each([
    ["loadBalancer → none", lb(), lb(none)],
    ["none → loadBalancer", lb(none), lb()],
    ["none → userAssignedNATGateway", lb(none), lb(nat())],
  ])("refuses %s, naming the field and AKS's migration paths", (_name, before, after) => {
    const plan = planChanges(before, after);
    expect(plan.changes).toEqual([]);
    expect(plan.refused).toContainEqual({
      path: "network.outbound.type",
      code: "immutable-field",
      message: expect.stringContaining("migrates between loadBalancer, userAssignedNATGateway and userDefinedRouting"),
    });
  });

  it("fails its pre-check when leaving userDefinedRouting would take kubenet's pod routes off the subnets", () => {
    const kubenetUdr = (change: (body: Record<string, any>) => void = () => {}) =>
      plannedExample("kubenet", (body) => {
        udr(body);
        change(body);
      });
    const plan = planChanges(kubenetUdr(), plannedExample("kubenet"));
    expect(plan.checks.find((check) => check.code === "kubenet-route-table")?.status).toBe("failed");
  });

  it("moves to a NAT gateway of the other SKU as a new gateway that takes the subnets over", () => {
    const plan = planChanges(lb(nat("ng-aks", "Standard")), lb(nat("ng-aks-v2", "StandardV2")));
    expect(plan.refused).toEqual([]);
    expect(plan.changes).toMatchObject([
      {
        code: "nat-gateway-sku",
        kind: "disruptive",
        operations: [
          "PUT publicIPAddresses/ng-aks-v2-ip (StandardV2)",
          "PUT natGateways/ng-aks-v2",
          "PUT subnets/{each} (NAT gateway ng-aks → ng-aks-v2)",
          "PUT roleAssignments (Network Contributor on NAT gateway ng-aks-v2)",
        ],
      },
    ]);
    expect(egressToDetach(lb(nat("ng-aks")), lb(nat("ng-aks-v2")))).toMatchObject({ natGateway: { name: "ng-aks" } });
  });

  it("refuses a SKU change of the same gateway: NRP cannot change it", () => {
    const plan = planChanges(lb(nat("ng-aks", "Standard")), lb(nat("ng-aks", "StandardV2")));
    expect(plan.changes).toEqual([]);
    expect(plan.refused).toEqual([
      expect.objectContaining({
        path: "network.outbound.natGateway.sku",
        message: expect.stringMatching(/new gateway/),
      }),
    ]);
  });
});

describe("API server VNet integration and the Cilium dataplane", () => {
  const withSubnet = (prefix: string) => (body: Record<string, any>) => {
    body.network.apiServerSubnet = { name: "snet-apiserver", addressPrefix: prefix };
    body.apiServer = { vnetIntegration: true };
  };
  const overlay = (change: (body: Record<string, any>) => void = () => {}) =>
    plannedExample("overlay-udr-egress", change);

  it("enables VNet integration on a built cluster: one-way, nodes reimaged, with its new subnet", () => {
    const plan = planChanges(pools(), pools(withSubnet("10.80.12.0/28")));
    expect(plan.refused).toEqual([]);
    expect(plan.changes).toMatchObject([{ code: "apiserver-vnet-integration", kind: "one-way", reimagesNodes: true }]);
    expect(plan.changes[0]?.operations).toContain("PUT roleAssignments (Network Contributor on subnet snet-apiserver)");
    expect(plan.checks.find((check) => check.code === "apiserver-subnet")?.status).toBe("passed");
    expect(plan.addresses.after.subnets.map((subnet) => subnet.name)).toContain("snet-apiserver");
  });

  it("refuses disabling VNet integration", () => {
    const plan = planChanges(pools(withSubnet("10.80.12.0/28")), pools());
    expect(plan.refused.map((refused) => refused.path)).toContain("apiServer.vnetIntegration");
    expect(plan.refused.find((refused) => refused.path === "apiServer.vnetIntegration")?.message).toMatch(
      /cannot disable/,
    );
  });

  it("moves an overlay cluster to Cilium: one-way, every node reimaged", () => {
    const plan = planChanges(
      overlay(),
      overlay((body) => Object.assign(body.network, { dataplane: "cilium", networkPolicy: "cilium" })),
    );
    expect(plan.refused).toEqual([]);
    expect(plan.changes).toMatchObject([
      {
        code: "cilium-dataplane",
        kind: "one-way",
        paths: ["network.dataplane", "network.networkPolicy"],
        reimagesNodes: true,
      },
    ]);
    expect(plan.checks.filter((check) => check.code.startsWith("cilium-")).map((check) => check.status)).toEqual([
      "passed",
      "passed",
    ]);
  });

  it("fails Cilium's pre-checks with a network policy installed, and refuses leaving Cilium", () => {
    const calico = plannedExample("pod-subnet");
    const plan = planChanges(
      calico,
      plannedExample("pod-subnet", (body) =>
        Object.assign(body.network, { dataplane: "cilium", networkPolicy: "cilium" }),
      ),
    );
    expect(plan.checks.find((check) => check.code === "cilium-network-policy")?.status).toBe("failed");
    const back = planChanges(
      pools(),
      pools((body) => Object.assign(body.network, { dataplane: "azure", networkPolicy: "none" })),
    );
    expect(back.refused.map((refused) => refused.path)).toContain("network.dataplane");
  });
});
