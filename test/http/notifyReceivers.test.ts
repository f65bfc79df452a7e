/**
 * NOTIFY_ALLOWED_HOSTS end to end in process: a request naming a receiver off the list is a 400 on notify.url at
 * POST, at POST ?whatIf=true and at POST /api/plans, with nothing started or stored; a run accepted before the list
 * changed is re-checked at delivery and nothing is sent.
 */
import { HttpRequest } from "@azure/functions";
import { beforeEach, describe, expect, it } from "vitest";
import { deliverEvent } from "../../src/activities/events.js";
import { memoryTable } from "../../src/azure/tables.js";
import { loadConfig } from "../../src/config.js";
import { planClusterHandler } from "../../src/http/planCluster.js";
import { startProvisioning } from "../../src/http/startProvisioning.js";
import { NotifySecrets, RequestKeys, RunIndex, type HttpStores } from "../../src/http/stores.js";
import { callerKeyHash } from "../../src/identity/callerKeys.js";
import { example } from "../fixtures/examples.js";
import { FakeDurableClient } from "./fakeDurableClient.js";
import { startCountingReceiver, succeededEvent } from "../fixtures/webhooks.js";

const apiKey = "receiver-test-key-0123456789";
const config = loadConfig({
  CALLER_KEYS: JSON.stringify({
    keys: [{ id: "pipeline", sha256: callerKeyHash(apiKey), subscriptions: ["*"], resourceGroups: ["*"] }],
  }),
  NOTIFY_ALLOWED_HOSTS: "hooks.contoso.example,*.ci.contoso.example",
});
const base = "http://localhost:7071/api";
let durable: FakeDurableClient;
let stores: HttpStores;
let secrets: NotifySecrets;

beforeEach(() => {
  durable = new FakeDurableClient();
  secrets = new NotifySecrets(memoryTable());
  stores = { index: new RunIndex(memoryTable()), keys: new RequestKeys(memoryTable()), secrets };
});

const request = (path: string, body: unknown) =>
  new HttpRequest({
    method: "POST",
    url: `${base}${path}`,
    body: { string: JSON.stringify(body) },
    headers: { "x-api-key": apiKey, "content-type": "application/json" },
  });
const withNotify = (url: string) => ({ ...example("overlay"), notify: { url, secret: "s".repeat(24), steps: true } });
const answerOf = (response: { status?: number; body?: unknown; jsonBody?: unknown }) => ({
  status: response.status,
  body: (response.jsonBody ?? JSON.parse(response.body as string)) as Record<string, any>,
});

describe("a receiver off NOTIFY_ALLOWED_HOSTS", () => {
  for (const url of [
    "https://hooks.evil.example/x",
    "https://ci.contoso.example/x",
    "https://hooks.contoso.example.evil.example/",
  ])
    it(`is refused with 400 on notify.url at POST, whatIf and plans, nothing started: ${url}`, async () => {
      for (const path of ["/clusters", "/clusters?whatIf=true", "/plans"]) {
        const call =
          path === "/plans"
            ? planClusterHandler(request(path, withNotify(url)), {
                config,
                clientsFor: () => Promise.reject(new Error("no Azure")),
              })
            : startProvisioning(request(path, withNotify(url)), durable.asClient(), config, stores);
        const answer = answerOf(await call);
        expect(answer.status, path).toBe(400);
        expect(answer.body.errors, path).toEqual([
          expect.objectContaining({ path: "notify.url", code: "notify-host-not-allowed" }),
        ]);
      }
      expect(durable.calls.filter((c) => c.method === "startNew")).toEqual([]);
      expect(durable.instances.size).toBe(0);
    });

  it("is accepted when on the list, at POST and at plans", async () => {
    const planned = answerOf(
      await planClusterHandler(request("/plans", withNotify("https://build-7.ci.contoso.example/hook")), {
        config,
        clientsFor: () => Promise.reject(new Error("no Azure")),
      }),
    );
    expect(planned).toMatchObject({ status: 200, body: { valid: true } });
    const posted = answerOf(
      await startProvisioning(
        request("/clusters", withNotify("https://hooks.contoso.example/hook")),
        durable.asClient(),
        config,
        stores,
      ),
    );
    expect(posted.status).toBe(202);
  });

  it("is re-checked at delivery: a run accepted before the list was set sends nothing", async () => {
    const receiver = await startCountingReceiver();
    const url = `http://localhost:${receiver.port}/hook`;
    const deliver = (allowedHosts: string | null) => {
      const settings = loadConfig(allowedHosts === null ? {} : { NOTIFY_ALLOWED_HOSTS: allowedHosts });
      return deliverEvent({
        index: () => new RunIndex(memoryTable()),
        secrets: () => secrets,
        allowLoopback: true,
        allowedHosts: settings.api.notifyAllowedHosts,
        eventGridTopicEndpoint: null,
        credential: () => {
          throw new Error("not used");
        },
      })({
        event: succeededEvent("20261207030000000", new Date("2026-12-07T03:00:00Z")),
        url,
        secretRef: null,
      });
    };
    try {
      expect(await deliver(null)).toMatchObject({ ok: true, value: { outcome: "delivered" } });
      expect(receiver.hits).toBe(1);
      const refused = await deliver("hooks.contoso.example");
      expect(refused).toMatchObject({ ok: true, value: { outcome: "rejected", httpStatus: null } });
      expect(JSON.stringify(refused)).toMatch(/NOTIFY_ALLOWED_HOSTS/);
      expect(receiver.hits).toBe(1);
      expect(await deliver("localhost")).toMatchObject({ ok: true, value: { outcome: "delivered" } });
      expect(receiver.hits).toBe(2);
    } finally {
      receiver.close();
    }
  });
});
