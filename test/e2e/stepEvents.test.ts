/**
 * A failing webhook receiver never slows the run it listens to. Three runs go at once through the local stack: one
 * without notify (the reference), one with `notify.steps` to a receiver that answers 503, one to a receiver that
 * accepts the connection and never answers. Each run's time from 202 to `Succeeded` is compared with the reference's
 * as a ratio; then the 503 receiver recovers and still gets the terminal event, through its durable retries.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestFor, startTestStack, type TestStack } from "./harness.js";

// Generous for a loaded 2-core machine; a step event that held the run took it to several times the reference.
const maxRatio = 1.6;
// Plus a fixed allowance for three runs sharing two cores: a step event that held the run would add at least one
// delivery timeout (10 s) per step, far more than this, so it cannot hide the defect.
const slackMs = 3_000;
const limitFor = (referenceMs: number) => referenceMs * maxRatio + slackMs;

let stack: TestStack;
const servers: Server[] = [];

interface Receiver {
  url: string;
  /** Event types received, in order (the 503 receiver's only once it has recovered). */
  types: string[];
  hits: number;
}

async function listen(handle: (request: IncomingMessage, body: string, answer: (status: number) => void) => void) {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () =>
      handle(request, Buffer.concat(chunks).toString("utf8"), (status) => response.writeHead(status).end()),
    );
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
}

let recovered = false;
const failing: Receiver = { url: "", types: [], hits: 0 };
const silent: Receiver = { url: "", types: [], hits: 0 };

beforeAll(async () => {
  failing.url = await listen((_request, body, answer) => {
    failing.hits += 1;
    if (!recovered) return answer(503);
    failing.types.push((JSON.parse(body) as { type: string }).type);
    answer(204);
  });
  // Takes the request and never answers: the worst receiver, held only by the delivery's own timeout.
  silent.url = await listen(() => {
    silent.hits += 1;
  });
  stack = await startTestStack({}, { NOTIFY_ALLOW_LOOPBACK: "true" });
}, 120_000);

afterAll(async () => {
  await stack?.close();
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

// Until the reference run is done, a run may take up to two minutes; after, at most limitFor(the reference).
let limitMs = 120_000;

/**
 * POSTs a run and answers how long it took from the 202 to the first status document that says `Succeeded` (what a
 * portal shows; the orchestration itself ends later, once its terminal event is settled).
 */
async function timedRun(name: string, notify: object | null): Promise<{ id: string; ms: number }> {
  const body = { ...requestFor("overlay", name), ...(notify === null ? {} : { notify }) };
  const started = Date.now();
  const accepted = await stack.api("/api/clusters", { method: "POST", body });
  expect(accepted.status).toBe(202);
  const id = accepted.body.id as string;
  for (;;) {
    const { body: status } = await stack.api(`/api/clusters/${id}`);
    if (status.status === "Succeeded") return { id, ms: Date.now() - started };
    const ms = Date.now() - started;
    if (["Failed", "Canceled"].includes(status.status) || ms > limitMs)
      throw new Error(`${name}: ${status.status} after ${ms} ms (limit ${Math.round(limitMs)} ms)`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("a failing receiver and the run it listens to", () => {
  it("a 503 or silent receiver of step events leaves the run as fast as one without notify", async () => {
    const [reference, withFailing, withSilent] = await Promise.all([
      timedRun("aks-steps-reference", null).then((run) => {
        limitMs = limitFor(run.ms);
        return run;
      }),
      timedRun("aks-steps-503", { url: failing.url, steps: true }),
      timedRun("aks-steps-silent", { url: silent.url, steps: true }),
    ]);
    const ratios = { failing: withFailing.ms / reference.ms, silent: withSilent.ms / reference.ms };
    console.log(
      JSON.stringify({ referenceMs: reference.ms, failingMs: withFailing.ms, silentMs: withSilent.ms, ratios }),
    );
    // Both receivers were really asked: the step events went out, they just did not hold the run.
    expect(failing.hits).toBeGreaterThan(0);
    expect(silent.hits).toBeGreaterThan(0);
    expect(withFailing.ms).toBeLessThan(limitFor(reference.ms));
    expect(withSilent.ms).toBeLessThan(limitFor(reference.ms));

    // The terminal event keeps its durable retries: once the receiver answers again, it arrives.
    recovered = true;
    await expect
      .poll(() => failing.types.includes("aks.provisioning.succeeded"), { timeout: 60_000, interval: 250 })
      .toBe(true);
    await expect
      .poll(async () => (await stack.api(`/api/clusters/${withFailing.id}`)).body.deliveries, {
        timeout: 30_000,
        interval: 250,
      })
      .toEqual(
        expect.arrayContaining([
          expect.objectContaining({ type: "aks.provisioning.succeeded", target: "webhook", outcome: "delivered" }),
        ]),
      );
  }, 240_000);
});
