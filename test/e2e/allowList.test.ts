import { describe, expect, it } from "vitest";
import { requestFor, startTestStack, subscriptionId } from "./harness.js";

// Its own file: the app reads its settings once per process, as on Azure.
describe("allow-lists", () => {
  it("refuses subscriptions outside the allow-list with 403 and starts nothing", async () => {
    const restricted = await startTestStack({}, { ALLOWED_SUBSCRIPTION_IDS: "99999999-9999-9999-9999-999999999999" });
    try {
      const response = await restricted.api("/api/clusters", {
        method: "POST",
        body: requestFor("overlay", "aks-forbidden"),
      });
      expect(response.status).toBe(403);
      expect(restricted.sim.control.requestLog()).toEqual([]);
      expect(response.body.detail).toContain(subscriptionId);
    } finally {
      await restricted.close();
    }
  });
});
