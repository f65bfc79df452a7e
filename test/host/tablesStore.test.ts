/**
 * The local host on Azurite (the store `npm start` uses): runs left in every crash window resume on start, payloads
 * far beyond a table property's 32K characters work, and a storage outage of several seconds delays work instead of
 * killing the process.
 */
import { mkdtempSync } from "node:fs";
import { createServer, connect, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type Azurite } from "../../local/host/azurite.js";
import { startLocalHost, type LocalHost } from "../../local/host/index.js";
import { EventType } from "../../local/host/protocol.js";
import { TableStore, type InstanceRecord } from "../../local/host/store.js";

const appRoot = fileURLToPath(new URL("./sample-app", import.meta.url));
const dataDir = join(mkdtempSync(join(tmpdir(), "host-tables-")), "azurite");
const hub = "TablesHub";
const systemKey = "tables-system-key";
let azurite: Azurite;
let host: LocalHost;
const log: string[] = [];

async function api(path: string, init: { method?: string; body?: unknown } = {}) {
  const response = await fetch(`${host.baseUrl}/runtime/webhooks/durabletask/${path}`, {
    method: init.method ?? "GET",
    headers: {
      "x-functions-key": systemKey,
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? null : (JSON.parse(text) as Record<string, unknown>) };
}

async function settle(id: string, ms = 30_000) {
  const until = Date.now() + ms;
  for (;;) {
    const { status, body } = await api(`instances/${id}`);
    if (status === 200 && body !== null) return body;
    if (Date.now() > until) throw new Error(`timed out waiting for ${id}: ${status} ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A TCP relay in front of Azurite that the test can take down and bring back on the same port: a storage outage
 * (connections refused, open ones cut) without touching Azurite's own persistence.
 */
class Relay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: number) {}

  async up(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.target, "127.0.0.1");
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server?.listen(this.port, "127.0.0.1", resolve));
    const address = this.server.address();
    if (address !== null && typeof address === "object") this.port = address.port;
  }

  async down(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

let relays: Relay[] = [];

const record = (fields: Partial<InstanceRecord> & Pick<InstanceRecord, "instanceId" | "name">): InstanceRecord => ({
  executionId: `${fields.instanceId}-execution`,
  input: "null",
  runtimeStatus: "Running",
  createdTime: new Date().toISOString(),
  lastUpdatedTime: new Date().toISOString(),
  customStatus: null,
  output: null,
  parentInstanceId: null,
  parentTaskId: null,
  parentExecutionId: null,
  ...fields,
});

beforeAll(async () => {
  azurite = await startAzurite({ dataDir });
  // What storage holds after a process died in each crash window the audit found (D4, finding 2).
  const store = new TableStore(azurite.connectionString, hub);
  await store.init();
  const now = new Date().toISOString();
  // 1. startNew wrote the record, then died before ExecutionStarted reached the inbox.
  await store.saveInstance(
    record({ instanceId: "start-lost", name: "markChain", input: '"s:"', runtimeStatus: "Pending" }),
  );
  // 2. A parent recorded two sub-orchestrations: the first finished but its result never reached the parent,
  //    the second was never created.
  const parent = record({ instanceId: "stranded", name: "twoChildren" });
  await store.saveInstance(parent);
  const created = (id: number, child: string, input: string) => ({
    EventType: EventType.SubOrchestrationInstanceCreated,
    EventId: id,
    IsPlayed: true,
    Timestamp: now,
    Name: "markChain",
    InstanceId: child,
    Input: JSON.stringify(JSON.stringify(input)),
  });
  await store.appendHistory("stranded", 0, [
    { EventType: EventType.OrchestratorStarted, EventId: -1, IsPlayed: true, Timestamp: now },
    {
      EventType: EventType.ExecutionStarted,
      EventId: -1,
      IsPlayed: true,
      Timestamp: now,
      Name: "twoChildren",
      Input: "null",
      ExecutionId: parent.executionId,
    },
    created(0, "stranded-child-1", "1:"),
    created(1, "stranded-child-2", "2:"),
    { EventType: EventType.OrchestratorCompleted, EventId: -1, IsPlayed: true, Timestamp: now },
  ]);
  await store.saveInstance(
    record({
      instanceId: "stranded-child-1",
      name: "markChain",
      input: '"1:"',
      runtimeStatus: "Completed",
      output: '"1:abc"',
      parentInstanceId: "stranded",
      parentTaskId: 0,
      parentExecutionId: parent.executionId,
    }),
  );
  relays = [new Relay(azurite.ports.table), new Relay(azurite.ports.blob)];
  for (const relay of relays) await relay.up();
  const [tableRelay, blobRelay] = relays;
  const relayed = azurite.connectionString
    .replace(`:${azurite.ports.table}/`, `:${tableRelay?.port ?? 0}/`)
    .replace(`:${azurite.ports.blob}/`, `:${blobRelay?.port ?? 0}/`);
  // 3. An episode recorded a raised event, then the process died before the event left the inbox.
  const waiting = record({ instanceId: "event-once", name: "collectTwo" });
  await store.saveInstance(waiting);
  const raised = {
    EventType: EventType.EventRaised,
    EventId: -1,
    IsPlayed: true,
    Timestamp: now,
    Name: "item",
    Input: '"only-once"',
  };
  await store.appendHistory("event-once", 0, [
    { EventType: EventType.OrchestratorStarted, EventId: -1, IsPlayed: true, Timestamp: now },
    {
      EventType: EventType.ExecutionStarted,
      EventId: -1,
      IsPlayed: true,
      Timestamp: now,
      Name: "collectTwo",
      Input: "null",
      ExecutionId: waiting.executionId,
    },
    { EventType: EventType.OrchestratorCompleted, EventId: -1, IsPlayed: true, Timestamp: now },
    { EventType: EventType.OrchestratorStarted, EventId: -1, IsPlayed: true, Timestamp: now },
    { ...raised, InboxKey: "000000000000001-00000001" },
    { EventType: EventType.OrchestratorCompleted, EventId: -1, IsPlayed: true, Timestamp: now },
  ]);
  await store.addInbox("event-once", "000000000000001-00000001", { ...raised, IsPlayed: false });
  host = await startLocalHost({
    appRoot,
    port: 0,
    env: { SAMPLE_HUB: hub },
    storage: { kind: "azure-tables", connectionString: relayed },
    systemKey,
    log: (line) => log.push(line),
  });
});

afterAll(async () => {
  await host?.close();
  for (const relay of relays) await relay.down().catch(() => undefined);
  await azurite?.close();
});

describe("crash windows resume on start", () => {
  it("an instance whose start never reached its inbox runs", async () => {
    expect(await settle("start-lost")).toMatchObject({ runtimeStatus: "Completed", output: "s:abc" });
  });

  it("a parent gets the result of a child that finished unheard, and its never-created child is created", async () => {
    expect(await settle("stranded")).toMatchObject({ runtimeStatus: "Completed", output: ["1:abc", "2:abc"] });
    expect(await settle("stranded-child-2")).toMatchObject({ runtimeStatus: "Completed", output: "2:abc" });
  });
});

describe("an event left in the inbox by a crash", () => {
  it("is recorded once", async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await api("instances/event-once")).body?.runtimeStatus).toBe("Running");
    const raised = await api("instances/event-once/raiseEvent/item", { method: "POST", body: "second" });
    expect(raised.status).toBe(202);
    // Before: the leftover inbox entry was replayed as a second event, completing with ["only-once", "only-once"].
    expect(await settle("event-once")).toMatchObject({ runtimeStatus: "Completed", output: ["only-once", "second"] });
  });
});

describe("payloads beyond a table property", () => {
  it("carries a 1 MB activity result, a 100 KB input and a 1 MB output", async () => {
    const padding = "p".repeat(100_000);
    const started = await api("orchestrators/payloads/big-payload", {
      method: "POST",
      body: { resultChars: 1_000_000, padding },
    });
    expect(started.status).toBe(202);
    const done = await settle("big-payload");
    expect(done.runtimeStatus).toBe("Completed");
    const output = done.output as { length: number; inputLength: number; text: string };
    expect(output.length).toBe(1_000_000);
    expect(output.inputLength).toBeGreaterThan(100_000);
    expect(output.text).toBe("x".repeat(1_000_000));
    expect((done.input as { padding: string }).padding).toBe(padding);
    expect((await api("instances/big-payload", { method: "DELETE" })).status).toBe(200);
    expect((await api("instances/big-payload")).status).toBe(404);
  });
});

describe("storage outage", () => {
  it("keeps the process up and finishes the run once storage is back", async () => {
    const started = await api("orchestrators/echoSlowly/through-outage", {
      method: "POST",
      body: { value: "survived", ms: 200 },
    });
    expect(started.status).toBe(202);
    const until = Date.now() + 10_000;
    while ((await api("instances/through-outage")).body?.runtimeStatus !== "Running" && Date.now() < until)
      await new Promise((resolve) => setTimeout(resolve, 20));
    // The activity is running; it completes while storage is unreachable, and its result must still arrive. The
    // outage outlasts the storage SDK's own retries (about 7 s), so the host's retries are what carries the result.
    for (const relay of relays) await relay.down();
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    for (const relay of relays) await relay.up();
    expect(await settle("through-outage")).toMatchObject({ runtimeStatus: "Completed", output: "survived" });
    expect(log.some((line) => line.includes("storage: addInbox failed") && line.includes("retrying"))).toBe(true);
  });
});
