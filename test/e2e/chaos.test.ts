/**
 * Chaos: eight provisions across the four modes at once while about one request in five to ARM and to every cluster's
 * Kubernetes API fails (throttling, 500, 503, dropped connections). Every run must succeed and nothing may be created
 * twice; the simulator's own counters prove the faults fired.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestFor, startTestStack, type TestStack } from "./harness.js";

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.close();
});

const armPaths = "^/subscriptions/";
const kubernetesPaths = "^/(api|apis|version)(/|$)";

function addChaos(path: string): string[] {
  return [
    stack.sim.control.addFault({ path, probability: 0.06, status: 429, code: "TooManyRequests", retryAfterMs: 20 }),
    stack.sim.control.addFault({ path, probability: 0.05, status: 500, code: "InternalServerError" }),
    stack.sim.control.addFault({ path, probability: 0.05, status: 503, code: "ServiceUnavailable", retryAfterMs: 20 }),
    stack.sim.control.addFault({ path, probability: 0.04, status: 0, reset: true }),
  ];
}

describe("provisioning under 20 % injected faults on ARM and Kubernetes together", () => {
  it("succeeds 8 of 8 across modes with no resource created twice", async () => {
    const modes = ["pod-subnet", "node-subnet", "kubenet", "overlay"] as const;
    const requests = modes.flatMap((mode) => [
      requestFor(mode, `aks-chaos-${mode}-a`),
      requestFor(mode, `aks-chaos-${mode}-b`),
    ]);
    const armFaults = addChaos(armPaths);
    // A cluster's API sees only a few requests per run; two certain faults keep the proof from resting on chance.
    const kubernetesFaults = [
      stack.sim.control.addFault({ path: kubernetesPaths, count: 2, status: 500, code: "InternalError" }),
      ...addChaos(kubernetesPaths),
    ];
    // Only this run's requests: on the extension the stack is shared with suites that came before.
    const logStart = stack.sim.control.requestLog().length;
    try {
      const started = await Promise.all(
        requests.map(async (body) => {
          // The POST itself talks to no Azure service, so it is not subject to the faults.
          const response = await stack.api("/api/clusters", { method: "POST", body });
          expect(response.status, JSON.stringify(response.body)).toBe(202);
          return response.body.id as string;
        }),
      );
      const finals = await Promise.all(started.map((id) => stack.waitForFinal(id, 240_000)));
      const failures = finals.filter((final) => final.status !== "Succeeded").map((final) => final.error);
      expect(failures, JSON.stringify(failures)).toEqual([]);
      for (const final of finals) expect(final.ipVerification.passed).toBe(true);

      const fired = new Map(stack.sim.control.faults().map((fault) => [fault.id, fault.fired]));
      const total = (ids: string[]) => ids.reduce((sum, id) => sum + (fired.get(id) ?? 0), 0);
      expect(total(armFaults)).toBeGreaterThanOrEqual(5);
      expect(total(kubernetesFaults)).toBeGreaterThanOrEqual(1);

      // A 2xx answer to a PUT means the simulator created or changed that resource: each path at most once per run.
      const successfulPuts = new Map<string, number>();
      for (const entry of stack.sim.control.requestLog().slice(logStart)) {
        if (entry.method === "PUT" && entry.status >= 200 && entry.status < 300) {
          const key = entry.path.toLowerCase();
          successfulPuts.set(key, (successfulPuts.get(key) ?? 0) + 1);
        }
      }
      const twice = [...successfulPuts].filter(([, count]) => count > 1);
      expect(twice).toEqual([]);
    } finally {
      stack.sim.control.clearFaults();
    }
  }, 300_000);
});
