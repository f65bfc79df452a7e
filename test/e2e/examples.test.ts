/**
 * Every documented example request through the whole stack: what the orchestration can build is built and its IPs
 * verified; what it cannot build yet is refused up front with `not-yet-provisionable`, before any Azure call.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exampleBodies } from "../fixtures/examples.js";
import { startTestStack, type TestStack } from "./harness.js";

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
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
    expect(started.body.warnings).toEqual(plan.body.warnings);
    const final = await stack.waitForFinal(started.body.id);
    expect(final.error, JSON.stringify(final.error)).toBeNull();
    expect(final.status).toBe("Succeeded");
    expect(final.ipVerification.passed).toBe(true);
    expect(final.ipVerification.summary.mismatches).toBe(0);
  });
});
