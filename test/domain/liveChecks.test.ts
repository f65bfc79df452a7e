import { scopeKey } from "../../src/domain/requestScopes.js";
import { describe, expect, it } from "vitest";
import type { ClusterRequest } from "../../src/domain/clusterRequest.js";
import { liveCheckTable, runLiveChecks } from "../../src/domain/live/checkTable.js";
import { neededActions } from "../../src/domain/live/checks/permissions.js";
import type { ExistingVnet, LiveCheck, LiveFacts, PermissionSet } from "../../src/domain/live/facts.js";
import { actionAllowed } from "../../src/domain/live/permissions.js";
import { vmSizeQuota } from "../../src/domain/live/vmSizes.js";
import { example, patched, planned } from "./fixtures.js";

const sub = "11111111-2222-3333-4444-555555555555";
// The overlay example's own scope, as requestScopes keys it.
const home = `${sub}/rg-aks-overlay`;
const sharedVnetId = `/subscriptions/${sub}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-shared`;
const subnetId = (name: string) => `${sharedVnetId}/subnets/${name}`;

const everything: PermissionSet[] = [{ actions: ["*"], notActions: [] }];

function facts(overrides: Partial<LiveFacts> = {}): LiveFacts {
  return {
    usages: {
      ok: true,
      value: [
        { name: "cores", localizedName: "Total Regional vCPUs", currentValue: 0, limit: 5000 },
        { name: "standardDSv5Family", localizedName: "Standard DSv5 Family vCPUs", currentValue: 0, limit: 5000 },
      ],
    },
    vnet: { ok: true, value: null },
    resourceGroupExists: { ok: true, value: true },
    provider: { ok: true, value: "Registered" },
    features: [],
    permissions: [
      {
        target: home,
        scope: `/subscriptions/${sub}/resourceGroups/rg-aks-overlay`,
        read: { ok: true, value: everything },
      },
      {
        target: `${sub}/rg-net`,
        scope: `/subscriptions/${sub}/resourceGroups/rg-net`,
        read: { ok: true, value: everything },
      },
    ],
    ...overrides,
  };
}

const userPools = (): ClusterRequest => planned(example("overlay-user-pools")).request;
const overlay = (patch: Record<string, unknown> = {}): ClusterRequest =>
  planned(patched(example("overlay"), patch)).request;
const sharedVnet = (patch: Record<string, unknown> = {}): ClusterRequest =>
  overlay({
    "network.vnet": { id: sharedVnetId },
    "network.nodeSubnet": { name: "snet-aks", addressPrefix: "10.50.8.0/22" },
    ...patch,
  });

const vnet = (subnets: [string, string][], prefixes = ["10.50.0.0/16"]): ExistingVnet => ({
  id: sharedVnetId,
  addressPrefixes: prefixes,
  subnets: subnets.map(([name, prefix]) => ({ name, id: subnetId(name), addressPrefixes: [prefix] })),
});

const pick = (checks: LiveCheck[], code: string) => checks.filter((check) => check.code === code);
const brief = (checks: LiveCheck[]) => checks.map((check) => [check.code, check.path, check.status]);

describe("vmSizeQuota: family and vCPUs from the VM naming convention", () => {
  it.each([
    ["Standard_D2s_v5", "standardDSv5Family", 2],
    ["Standard_D16s_v5", "standardDSv5Family", 16],
    ["Standard_D4ds_v5", "standardDDSv5Family", 4],
    ["Standard_D2as_v5", "standardDASv5Family", 2],
    ["Standard_D2pls_v5", "standardDPLSv5Family", 2],
    ["Standard_E4-2s_v5", "standardESv5Family", 4],
    ["Standard_E8s_v3", "standardESv3Family", 8],
    ["Standard_B2s", "standardBSFamily", 2],
    ["Standard_F4s_v2", "standardFSv2Family", 4],
    ["Standard_A2_v2", "standardAv2Family", 2],
  ])("%s → %s × %i", (size, family, vCpus) => {
    expect(vmSizeQuota(size)).toEqual({ family, vCpus });
  });

  it.each([
    "Standard_DS2_v2",
    "Standard_D2_v2",
    "Standard_D2",
    "Standard_NC24ads_A100_v4",
    "D2s_v5",
    "standard_d2s_v5",
    "",
  ])("%s is not guessed", (size) => {
    expect(vmSizeQuota(size)).toBeNull();
  });
});

describe("actionAllowed: RBAC wildcard semantics", () => {
  const vnetWrite = "Microsoft.Network/virtualNetworks/write";
  const roleWrite = "Microsoft.Authorization/roleAssignments/write";
  it.each<[string, PermissionSet[], string, boolean]>([
    ["* allows anything", everything, roleWrite, true],
    ["nothing allows nothing", [], vnetWrite, false],
    ["a provider wildcard", [{ actions: ["Microsoft.Network/*"], notActions: [] }], vnetWrite, true],
    ["a provider wildcard, other provider", [{ actions: ["Microsoft.Network/*"], notActions: [] }], roleWrite, false],
    ["case is ignored", [{ actions: ["microsoft.network/VIRTUALNETWORKS/write"], notActions: [] }], vnetWrite, true],
    ["*/read is not write", [{ actions: ["*/read"], notActions: [] }], vnetWrite, false],
    ["*/read allows reads", [{ actions: ["*/read"], notActions: [] }], "Microsoft.Network/virtualNetworks/read", true],
    [
      "Contributor's notActions",
      [{ actions: ["*"], notActions: ["Microsoft.Authorization/*/Write"] }],
      roleWrite,
      false,
    ],
    [
      "Contributor still writes VNets",
      [{ actions: ["*"], notActions: ["Microsoft.Authorization/*/Write"] }],
      vnetWrite,
      true,
    ],
    [
      "another role adds back what one role's notActions excluded",
      [
        { actions: ["*"], notActions: ["Microsoft.Authorization/*/Write"] },
        { actions: ["Microsoft.Authorization/roleAssignments/*"], notActions: [] },
      ],
      roleWrite,
      true,
    ],
    [
      "a dot is a dot, not any character",
      [{ actions: ["Microsoft.Network/virtualNetworks/write"], notActions: [] }],
      "MicrosoftXNetwork/virtualNetworks/write",
      false,
    ],
    [
      "a middle wildcard",
      [{ actions: ["Microsoft.Network/*/subnets/join/action"], notActions: [] }],
      "Microsoft.Network/virtualNetworks/subnets/join/action",
      true,
    ],
  ])("%s", (_name, permissions, action, allowed) => {
    expect(actionAllowed(action, permissions)).toBe(allowed);
  });
});

describe("vcpuQuota", () => {
  // overlay-user-pools: system 4 × D4s_v5 (3 + 1 surge), apps 22 × D8s_v5 (max 20 + 2), batch 51 × D16s_v5 (max 50 + 1)
  const needed = 4 * 4 + 22 * 8 + 51 * 16;
  const usage = (currentValue: number, limit: number, cores = { currentValue: 0, limit: 5000 }): LiveFacts =>
    facts({
      usages: {
        ok: true,
        value: [
          { name: "cores", localizedName: "Total Regional vCPUs", ...cores },
          { name: "StandardDSv5Family", localizedName: "Standard DSv5 Family vCPUs", currentValue, limit },
        ],
      },
    });

  it.each<[string, LiveFacts, "ok" | "error", number | undefined]>([
    ["plenty", usage(0, 5000), "ok", 5000],
    ["exactly enough", usage(2000 - needed, 2000), "ok", needed],
    ["one vCPU short", usage(2001 - needed, 2000), "error", needed - 1],
    ["over the limit already", usage(120, 100), "error", 0],
    ["no limit", usage(50, -1), "ok", undefined],
  ])("%s", (_name, given, status, available) => {
    const [family] = runLiveChecks(userPools(), given).checks.filter((c) => c.code === "vcpu-quota");
    expect(family).toMatchObject({ status, path: "nodePools.0.vmSize", family: "StandardDSv5Family", needed });
    expect(family?.available).toBe(available);
  });

  it("an exceeded quota names the family, the need, the usage and the limit", () => {
    const [family] = pick(runLiveChecks(userPools(), usage(40, 100)).checks, "vcpu-quota");
    expect(family?.message).toBe(
      "Standard DSv5 Family vCPUs quota exceeded: the pools at maxCount + surge (system: 4 × 4, apps: 22 × 8, batch: 51 × 16) need 1008 vCPUs; 40 of 100 in use, 60 available",
    );
  });

  it("checks Total Regional vCPUs over every pool", () => {
    const checks = runLiveChecks(userPools(), usage(0, 5000, { currentValue: 10, limit: 1000 })).checks;
    expect(pick(checks, "regional-vcpu-quota")).toMatchObject([
      { status: "error", needed, used: 10, limit: 1000, available: 990, path: "nodePools" },
    ]);
  });

  it("one check per family, pools of one family summed", () => {
    const request = overlay({ "nodePool.vmSize": "Standard_D4ds_v5", "nodePool.count": 5 });
    const checks = pick(runLiveChecks(request, facts()).checks, "vcpu-quota");
    expect(checks).toMatchObject([{ status: "warning", family: "standardDDSv5Family", needed: 24 }]);
    expect(checks[0]?.message).toContain("no quota named standardDDSv5Family");
  });

  it("a size it cannot read is reported unchecked, not guessed", () => {
    const checks = runLiveChecks(overlay({ "nodePool.vmSize": "Standard_DS2_v2" }), facts()).checks;
    expect(brief(pick(checks, "vm-size-not-recognised"))).toEqual([
      ["vm-size-not-recognised", "nodePools.0.vmSize", "warning"],
    ]);
    expect(pick(checks, "vcpu-quota")).toEqual([]);
  });

  it("a failed usages read is a warning with ARM's code", () => {
    const checks = runLiveChecks(
      userPools(),
      facts({ usages: { ok: false, code: "AuthorizationFailed", message: "no" } }),
    ).checks;
    expect(pick(checks, "vcpu-quota")).toMatchObject([
      { status: "warning", armCode: "AuthorizationFailed", path: "nodePools" },
    ]);
  });
});

describe("existingNetwork", () => {
  it.each<[string, ClusterRequest, LiveFacts["vnet"], [string, string, string][]]>([
    [
      "an existing VNet that is not there",
      sharedVnet(),
      { ok: true, value: null },
      [["vnet-not-found", "network.vnet.id", "error"]],
    ],
    ["a new VNet", overlay(), { ok: true, value: null }, [["vnet", "network.vnet", "ok"]]],
    [
      "a subnet that fits",
      sharedVnet(),
      { ok: true, value: vnet([["snet-other", "10.50.0.0/22"]]) },
      [
        ["vnet", "network.vnet.id", "ok"],
        ["subnet-fits", "network.nodeSubnet", "ok"],
      ],
    ],
    [
      "a subnet already there with the same prefix is reused",
      sharedVnet(),
      { ok: true, value: vnet([["snet-aks", "10.50.8.0/22"]]) },
      [
        ["vnet", "network.vnet.id", "ok"],
        ["subnet-exists", "network.nodeSubnet", "ok"],
      ],
    ],
    [
      "a subnet already there with another prefix",
      sharedVnet(),
      { ok: true, value: vnet([["snet-aks", "10.50.12.0/22"]]) },
      [
        ["vnet", "network.vnet.id", "ok"],
        ["subnet-prefix-mismatch", "network.nodeSubnet.addressPrefix", "error"],
      ],
    ],
    [
      "a subnet outside the real address space",
      sharedVnet({ "network.nodeSubnet.addressPrefix": "10.60.0.0/22" }),
      { ok: true, value: vnet([]) },
      [
        ["vnet", "network.vnet.id", "ok"],
        ["subnet-outside-existing-vnet", "network.nodeSubnet.addressPrefix", "error"],
      ],
    ],
    [
      "a subnet overlapping another team's",
      sharedVnet(),
      { ok: true, value: vnet([["snet-db", "10.50.9.0/24"]]) },
      [
        ["vnet", "network.vnet.id", "ok"],
        ["subnet-conflicts-existing", "network.nodeSubnet.addressPrefix", "error"],
      ],
    ],
    [
      "a VNet to create that exists with another address space",
      overlay(),
      { ok: true, value: { ...vnet([]), addressPrefixes: ["10.0.0.0/8"] } },
      [
        ["vnet-address-space-differs", "network.vnet.addressPrefixes", "warning"],
        ["subnet-fits", "network.nodeSubnet", "ok"],
      ],
    ],
    [
      "a failed read",
      sharedVnet(),
      { ok: false, code: "ServerTimeout", message: "slow" },
      [["vnet", "network.vnet.id", "warning"]],
    ],
  ])("%s", (_name, request, read, expected) => {
    const checks = runLiveChecks(request, facts({ vnet: read })).checks.filter(
      (c) => c.code.startsWith("vnet") || c.code.startsWith("subnet"),
    );
    expect(brief(checks)).toEqual(expected);
  });

  it("conflicting existing subnets are reported with their ids", () => {
    const existing = vnet([
      ["snet-db", "10.50.9.0/24"],
      ["snet-web", "10.50.10.0/23"],
      ["snet-far", "10.50.64.0/24"],
    ]);
    const [conflict] = pick(
      runLiveChecks(sharedVnet(), facts({ vnet: { ok: true, value: existing } })).checks,
      "subnet-conflicts-existing",
    );
    expect(conflict?.conflicts).toEqual([
      { id: subnetId("snet-db"), name: "snet-db", addressPrefix: "10.50.9.0/24" },
      { id: subnetId("snet-web"), name: "snet-web", addressPrefix: "10.50.10.0/23" },
    ]);
    expect(conflict?.message).toBe("10.50.8.0/22 overlaps existing snet-db (10.50.9.0/24), snet-web (10.50.10.0/23)");
  });

  it("checks every pool's own subnets once", () => {
    const request = userPools();
    const existing = { ...vnet([["snet-legacy", "10.80.4.0/24"]]), addressPrefixes: ["10.80.0.0/16"] };
    const checks = runLiveChecks(request, facts({ vnet: { ok: true, value: existing } })).checks;
    expect(brief(checks.filter((c) => c.code.startsWith("subnet")))).toEqual([
      ["subnet-fits", "network.nodeSubnet", "ok"],
      ["subnet-conflicts-existing", "nodePools.1.nodeSubnet.addressPrefix", "error"],
      ["subnet-fits", "nodePools.2.nodeSubnet", "ok"],
    ]);
  });
});

describe("registration", () => {
  it.each<[string, LiveFacts["provider"], "ok" | "warning"]>([
    ["registered", { ok: true, value: "Registered" }, "ok"],
    ["registered, lower case", { ok: true, value: "registered" }, "ok"],
    ["not registered", { ok: true, value: "NotRegistered" }, "warning"],
    ["registering", { ok: true, value: "Registering" }, "warning"],
    ["unreadable", { ok: false, code: "Throttled", message: "later" }, "warning"],
  ])("provider %s", (_name, provider, status) => {
    expect(pick(runLiveChecks(overlay(), facts({ provider })).checks, "provider-registration")).toMatchObject([
      { status, path: "subscriptionId" },
    ]);
  });

  it.each<[string, LiveFacts["features"][number]["state"], "ok" | "warning", string]>([
    ["registered", { ok: true, value: "Registered" }, "ok", "is registered"],
    ["retired", { ok: true, value: "NotNeeded" }, "ok", "not needed"],
    ["not registered", { ok: true, value: "NotRegistered" }, "warning", "the run registers it"],
    ["pending", { ok: true, value: "Pending" }, "warning", "the run registers it"],
    ["unreadable", { ok: false, code: "Http500", message: "x" }, "warning", "could not read"],
  ])("feature %s", (_name, state, status, text) => {
    const feature = "Microsoft.ContainerService/PodSubnetPreview";
    const request = overlay({ features: [feature] });
    const [check] = pick(
      runLiveChecks(request, facts({ features: [{ feature, state }] })).checks,
      "feature-registration",
    );
    expect(check).toMatchObject({ status, path: "features.0" });
    expect(check?.message).toContain(text);
  });
});

describe("permissions", () => {
  // Labelled by what the action is about: the VNet (its subnets, and egress resources in its group) or the cluster.
  const actions = (request: ClusterRequest, given: LiveFacts) =>
    neededActions(request, given).map((need) => {
      const aboutVnet =
        need.path.startsWith("network.vnet") ||
        (need.path === "network.outbound" && need.target === scopeKey(request.network.vnet));
      return `${aboutVnet ? "vnet" : "cluster"} ${need.action}`;
    });

  it.each<[string, ClusterRequest, Partial<LiveFacts>, string[]]>([
    [
      "a new VNet in an existing group",
      overlay(),
      {},
      [
        "vnet Microsoft.Network/virtualNetworks/write",
        "vnet Microsoft.Network/virtualNetworks/subnets/join/action",
        "vnet Microsoft.Authorization/roleAssignments/write",
        "cluster Microsoft.ManagedIdentity/userAssignedIdentities/write",
        "cluster Microsoft.ManagedIdentity/userAssignedIdentities/assign/action",
        "cluster Microsoft.ContainerService/managedClusters/write",
      ],
    ],
    [
      "a new group, an unregistered provider",
      overlay(),
      { resourceGroupExists: { ok: true, value: false }, provider: { ok: true, value: "NotRegistered" } },
      [
        "cluster Microsoft.Resources/subscriptions/resourceGroups/write",
        "vnet Microsoft.Network/virtualNetworks/write",
        "vnet Microsoft.Network/virtualNetworks/subnets/join/action",
        "vnet Microsoft.Authorization/roleAssignments/write",
        "cluster Microsoft.ManagedIdentity/userAssignedIdentities/write",
        "cluster Microsoft.ManagedIdentity/userAssignedIdentities/assign/action",
        "cluster Microsoft.ContainerService/managedClusters/write",
        "cluster Microsoft.ContainerService/register/action",
      ],
    ],
    [
      "an existing VNet missing the subnet",
      sharedVnet(),
      { vnet: { ok: true, value: vnet([]) } },
      [
        "vnet Microsoft.Network/virtualNetworks/subnets/write",
        "vnet Microsoft.Network/virtualNetworks/subnets/join/action",
        "vnet Microsoft.Authorization/roleAssignments/write",
        "cluster Microsoft.ManagedIdentity/userAssignedIdentities/write",
        "cluster Microsoft.ManagedIdentity/userAssignedIdentities/assign/action",
        "cluster Microsoft.ContainerService/managedClusters/write",
      ],
    ],
    [
      "an existing VNet with the subnet already there",
      sharedVnet(),
      { vnet: { ok: true, value: vnet([["snet-aks", "10.50.8.0/22"]]) } },
      [
        "vnet Microsoft.Network/virtualNetworks/subnets/join/action",
        "vnet Microsoft.Authorization/roleAssignments/write",
        "cluster Microsoft.ManagedIdentity/userAssignedIdentities/write",
        "cluster Microsoft.ManagedIdentity/userAssignedIdentities/assign/action",
        "cluster Microsoft.ContainerService/managedClusters/write",
      ],
    ],
  ])("%s", (_name, request, given, expected) => {
    expect(actions(request, facts(given))).toEqual(expected);
  });

  it.each<[string, ClusterRequest, string[]]>([
    [
      "a NAT gateway it creates",
      planned(example("overlay-private-nat-gateway")).request,
      [
        "vnet Microsoft.Network/publicIPAddresses/write",
        "vnet Microsoft.Network/natGateways/write",
        "vnet Microsoft.Network/natGateways/join/action",
        "cluster Microsoft.ContainerService/managedClusters/runCommand/action",
      ],
    ],
    [
      "a route table it creates",
      planned(example("overlay-udr-egress")).request,
      [
        "vnet Microsoft.Network/routeTables/write",
        "vnet Microsoft.Network/routeTables/join/action",
        "cluster Microsoft.ContainerService/managedClusters/runCommand/action",
      ],
    ],
    ["user pools", userPools(), ["cluster Microsoft.ContainerService/managedClusters/agentPools/write"]],
  ])("adds what %s needs", (_name, request, added) => {
    const base = new Set(actions(overlay(), facts()));
    expect(actions(request, facts()).filter((action) => !base.has(action))).toEqual(added);
  });

  it("all allowed: every permission check is ok", () => {
    const checks = pick(runLiveChecks(overlay(), facts()).checks, "permission");
    expect(checks).toHaveLength(6);
    expect(checks.every((check) => check.status === "ok")).toBe(true);
  });

  it("Contributor cannot assign roles: one error naming the action and the scope", () => {
    const contributor: PermissionSet[] = [{ actions: ["*"], notActions: ["Microsoft.Authorization/*/Write"] }];
    const scope = `/subscriptions/${sub}/resourceGroups/rg-net`;
    const given = facts({
      permissions: [
        { target: home, scope: `/subscriptions/${sub}/resourceGroups/rg`, read: { ok: true, value: everything } },
        { target: `${sub}/rg-net`, scope, read: { ok: true, value: contributor } },
      ],
    });
    const errors = pick(runLiveChecks(sharedVnet(), given).checks, "permission").filter((c) => c.status === "error");
    expect(errors).toEqual([
      {
        code: "permission",
        path: "network.vnet.id",
        status: "error",
        action: "Microsoft.Authorization/roleAssignments/write",
        scope,
        message: `the API's identity lacks Microsoft.Authorization/roleAssignments/write at ${scope}: it could not grant the cluster identity Network Contributor on its subnets`,
      },
    ]);
  });

  it("an unreadable scope is one warning, not one per action", () => {
    const scope = `/subscriptions/${sub}/resourceGroups/rg`;
    const given = facts({
      permissions: [
        { target: home, scope, read: { ok: false, code: "AuthorizationFailed", message: "denied" } },
        { target: `${sub}/rg-net`, scope: `${scope}-net`, read: { ok: true, value: everything } },
      ],
    });
    const checks = pick(runLiveChecks(sharedVnet(), given).checks, "permission");
    expect(checks.filter((c) => c.status === "warning")).toMatchObject([{ scope, armCode: "AuthorizationFailed" }]);
    expect(checks.filter((c) => c.status === "ok").map((c) => c.path)).toEqual(["network.vnet.id", "network.vnet.id"]);
  });
});

describe("permissions in every scope the request touches", () => {
  it("a NAT gateway given by id in a third group is checked there, not in the cluster's or the VNet's group", () => {
    const natId = `/subscriptions/${sub}/resourceGroups/rg-egress/providers/Microsoft.Network/natGateways/nat-shared`;
    const request = sharedVnet({ "network.outbound": { type: "userAssignedNATGateway", natGateway: { id: natId } } });
    const egress = neededActions(request, facts()).filter((need) => need.path === "network.outbound");
    expect(egress.map((need) => `${need.target} ${need.action}`)).toEqual([
      `${sub}/rg-egress Microsoft.Network/natGateways/join/action`,
    ]);
    // Nothing was read there: the join is reported as unchecked rather than judged against another group's roles.
    const checks = pick(runLiveChecks(request, facts()).checks, "permission");
    expect(checks.some((check) => check.path === "network.outbound")).toBe(false);
  });
});

describe("runLiveChecks", () => {
  it("passes when nothing is an error, counts errors and warnings", () => {
    expect(runLiveChecks(overlay(), facts())).toMatchObject({ passed: true, errors: 0, warnings: 0 });
    const failing = runLiveChecks(sharedVnet(), facts({ provider: { ok: true, value: "NotRegistered" } }));
    expect(failing).toMatchObject({ passed: false, errors: 1, warnings: 1 });
  });

  it("every code a check reports is listed in the table", () => {
    const listed = new Set(liveCheckTable.flatMap((rule) => rule.codes));
    const requests = [overlay(), sharedVnet(), userPools(), overlay({ "nodePool.vmSize": "Standard_DS2_v2" })];
    const variants: Partial<LiveFacts>[] = [
      {},
      {
        vnet: {
          ok: true,
          value: vnet([
            ["snet-db", "10.50.9.0/24"],
            ["snet-aks", "10.50.12.0/22"],
          ]),
        },
      },
      { usages: { ok: true, value: [] }, provider: { ok: true, value: "NotRegistered" } },
    ];
    for (const request of requests)
      for (const variant of variants)
        for (const check of runLiveChecks(request, facts(variant)).checks) expect(listed).toContain(check.code);
  });
});
