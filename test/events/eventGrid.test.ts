/** The Event Grid publisher against a loopback stand-in for a topic: the token, the batch content type, the outcome. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { publishEvent } from "../../src/activities/events.js";
import { memoryTable } from "../../src/azure/tables.js";
import { cloudEvent } from "../../src/events/cloudEvent.js";
import { NotifySecrets } from "../../src/store/notifySecrets.js";
import { RunIndex } from "../../src/store/runIndex.js";

describe("publishEvent", () => {
  it("POSTs a CloudEvents batch with the app's Entra token for Event Grid, and gives up on a 400", async () => {
    const seen: { auth?: string; type?: string; body?: string }[] = [];
    let answer = 200;
    const topic = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        seen.push({
          auth: request.headers.authorization,
          type: request.headers["content-type"],
          body: Buffer.concat(chunks).toString(),
        });
        response.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => topic.listen(0, "127.0.0.1", resolve));
    const scopes: string[] = [];
    const publish = publishEvent({
      index: () => new RunIndex(memoryTable()),
      secrets: () => new NotifySecrets(memoryTable()),
      allowLoopback: false,
      eventGridTopicEndpoint: `http://127.0.0.1:${(topic.address() as AddressInfo).port}/api/events`,
      credential: () => ({
        getToken: (scope: string | string[]) => {
          scopes.push(String(scope));
          return Promise.resolve({ token: "entra-token", expiresOnTimestamp: Date.now() + 3_600_000 });
        },
      }),
    });
    const event = cloudEvent(
      "failed",
      "1",
      {
        id: "c1",
        status: "Failed",
        subscriptionId: "s",
        resourceGroup: "rg",
        clusterName: "aks",
        requestedBy: "function-key",
        createdAt: "a",
        updatedAt: "b",
        error: { step: "cluster", code: "QuotaExceeded", message: "no quota" },
      },
      new Date("2026-11-23T10:00:00Z"),
    );
    const ok = await publish({ event });
    answer = 400;
    const refused = await publish({ event });
    topic.close();
    expect(scopes[0]).toBe("https://eventgrid.azure.net/.default");
    expect(seen[0]?.auth).toBe("Bearer entra-token");
    expect(seen[0]?.type).toMatch(/^application\/cloudevents-batch\+json/);
    expect(JSON.parse(seen[0]?.body ?? "[]")).toEqual([event]);
    expect(ok).toMatchObject({ ok: true, value: { target: "eventGrid", outcome: "delivered", httpStatus: 200 } });
    expect(refused).toMatchObject({ ok: true, value: { outcome: "rejected", httpStatus: 400 } });
  });
});
