/**
 * Every documented example request through the whole stack: what the orchestration can build is built and its IPs
 * verified; what it cannot build yet is refused up front with `not-yet-provisionable`, before any Azure call.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkExchanges } from "../contract/armContract.js";
import { exampleBodies } from "../fixtures/examples.js";
import type { DurableEngineKind } from "../../local/host/index.js";
import { startTestStack, type TestStack } from "./harness.js";

/** Every example on one Durable engine: the local host's own, or the real extension. */
export function examplesSuite(engine: DurableEngineKind): void {
  let stack: TestStack;
  /** Each provisioned cluster's planned pools: the surge the planner sized, to compare with what AKS was sent. */
  const plannedPools = new Map<string, { name: string; nodesAtMax: number; nodesAtSurge: number }[]>();

  beforeAll(async () => {
    stack = await startTestStack({}, {}, { kind: "memory" }, { engine });
  });

  afterAll(async () => {
    await stack?.close();
  });

  describe.each(Object.keys(exampleBodies).sort())("docs/examples/%s.json", (name) => {
    it("is provisioned with every IP verified, or refused before any Azure call", async () => {
      const body = exampleBodies[name];
      const plan = await stack.api("/api/plans", { method: "POST", body });
      expect(plan.status).toBe(200);
      expect(plan.body.valid, JSON.stringify(plan.body.violations)).toBe(true);
      const armBefore = stack.sim.control.requestLog().length;
      const started = await stack.api("/api/clusters", { method: "POST", body });
      if (plan.body.notYetProvisionable.length > 0) {
        expect(started.status).toBe(400);
        expect(started.body.errors.map((error: { code: string }) => error.code)).toContain("not-yet-provisionable");
        expect(stack.sim.control.requestLog().length).toBe(armBefore);
        return;
      }
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      plannedPools.set(String(body?.clusterName), plan.body.plan.pools);
      expect(started.body.warnings).toEqual(plan.body.warnings);
      const final = await stack.waitForFinal(started.body.id);
      expect(final.error, JSON.stringify(final.error)).toBeNull();
      expect(final.status).toBe("Succeeded");
      expect(final.ipVerification.passed).toBe(true);
      expect(final.ipVerification.summary.mismatches).toBe(0);
    });
  });

  describe("docs/examples/overlay-user-pools.json", () => {
    it("builds the System pool with the cluster and both User pools after it, each verified on its own subnet", async () => {
      const body = { ...exampleBodies["overlay-user-pools"], clusterName: "aks-pools-e2e" };
      const plan = await stack.api("/api/plans", { method: "POST", body });
      expect(plan.body.notYetProvisionable).toEqual([]);
      const started = await stack.api("/api/clusters", { method: "POST", body });
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      const final = await stack.waitForFinal(started.body.id);
      expect(final.error, JSON.stringify(final.error)).toBeNull();
      const steps = Object.fromEntries(final.steps.map((step: { name: string; status: string }) => [step.name, step]));
      expect(steps.nodePools).toMatchObject({ status: "succeeded", detail: "apps Succeeded, batch Succeeded" });
      expect(final.pools.map((pool: { name: string; state: string }) => [pool.name, pool.state])).toEqual([
        ["system", "Succeeded"],
        ["apps", "Succeeded"],
        ["batch", "Succeeded"],
      ]);
      expect(final.pools[1].nodeSubnetId).toMatch(/\/subnets\/snet-apps$/);
      expect(final.pools[1].autoscale).toEqual({ minCount: 3, maxCount: 20 });
      // Network Contributor checked on all three subnets.
      const subnetChecks = final.roleChecks.filter((check: { role: string }) => check.role === "Network Contributor");
      expect(subnetChecks).toHaveLength(3);
      const rows = final.ipVerification.nodes as { pool?: string; ip: string; ok: boolean; expectedCidr?: string }[];
      const apps = rows.filter((row) => row.pool === "apps");
      expect(apps).toHaveLength(3);
      expect(apps.every((row) => row.ok && row.expectedCidr === "10.80.4.0/22")).toBe(true);
      expect(rows.filter((row) => row.pool === "system")).toHaveLength(3);
      expect(rows.filter((row) => row.pool === "batch")).toHaveLength(0);
      expect(final.ipVerification.passed).toBe(true);
    });
  });

  describe("the ARM traffic of these runs", () => {
    it("validates against azure-rest-api-specs at the api-versions it carries, each call on record", () => {
      const report = checkExchanges(stack.exchanges);
      expect(report.violations).toEqual([]);
      const operations = new Set(report.checked.map((entry) => entry.operationId));
      for (const operation of [
        "ManagedClusters_CreateOrUpdate",
        "ManagedClusters_Get",
        "AgentPools_CreateOrUpdate",
        "NatGateways_CreateOrUpdate",
        "PublicIPAddresses_CreateOrUpdate",
        "ResourceGroups_CreateOrUpdate",
        "VirtualNetworks_CreateOrUpdate",
        "Subnets_CreateOrUpdate",
        "RouteTables_CreateOrUpdate",
        "UserAssignedIdentities_CreateOrUpdate",
        "RoleAssignments_Create",
        "RoleAssignments_ListForScope",
      ])
        expect(operations).toContain(operation);
      // The async-operation status URLs no spec operation describes are held to common-types' shape.
      expect(new Set(report.outsideSpec.map((entry) => entry.code))).toEqual(
        new Set(["aks-operation-status", "nrp-operation-status"]),
      );
      expect(
        stack.exchanges.filter((e) => /Microsoft\.ContainerService/i.test(e.path)).map((e) => e.apiVersion),
      ).toEqual(expect.arrayContaining(["2026-10-01"]));
      expect(new Set(stack.exchanges.filter((e) => /managedClusters/i.test(e.path)).map((e) => e.apiVersion))).toEqual(
        new Set(["2026-10-01"]),
      );
    });

    it("sends every pool's maxSurge, equal to the surge the planner sized (never AKS's 10 % default)", () => {
      const sent = stack.exchanges.filter(
        (e) => e.method === "PUT" && /\/managedClusters\/[^/]+(\/agentPools\/[^/]+)?$/i.test(e.path),
      );
      expect(sent.length).toBeGreaterThan(0);
      let compared = 0;
      for (const exchange of sent) {
        const cluster = /\/managedClusters\/([^/]+)/i.exec(exchange.path)?.[1] ?? "";
        const planned = plannedPools.get(cluster);
        if (planned === undefined) continue;
        const body = exchange.requestBody as { properties: Record<string, any> };
        const pools: { name: string; upgradeSettings?: { maxSurge?: string } }[] = /agentPools/i.test(exchange.path)
          ? [{ name: exchange.path.split("/").pop() ?? "", ...body.properties }]
          : body.properties.agentPoolProfiles;
        for (const pool of pools) {
          const plan = planned.find((entry) => entry.name === pool.name);
          expect(plan, `${cluster}/${pool.name} planned`).toBeDefined();
          expect(pool.upgradeSettings?.maxSurge, `${cluster}/${pool.name}`).toBe(
            String((plan?.nodesAtSurge ?? NaN) - (plan?.nodesAtMax ?? NaN)),
          );
          compared += 1;
        }
      }
      expect(compared).toBeGreaterThanOrEqual(plannedPools.size);
    });
  });
}
