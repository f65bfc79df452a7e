// HTTP functions that drive orchestrations through the unmodified DurableClient.
import { app } from "@azure/functions";
import * as df from "durable-functions";

const anonymous = { authLevel: "anonymous" };

df.app.client.http("startOrchestration", {
  ...anonymous,
  route: "start/{name}",
  methods: ["POST"],
  handler: async (request, client) => {
    const text = await request.text();
    const instanceId = request.query.get("id") ?? undefined;
    const id = await client.startNew(request.params.name, {
      input: text === "" ? undefined : JSON.parse(text),
      instanceId,
    });
    return client.createCheckStatusResponse(request, id);
  },
});

df.app.client.http("getStatus", {
  ...anonymous,
  route: "status/{id}",
  methods: ["GET"],
  handler: async (request, client) => {
    try {
      const status = await client.getStatus(request.params.id, {
        showHistory: request.query.get("history") === "1",
        showHistoryOutput: true,
      });
      return { jsonBody: status };
    } catch (error) {
      return { status: 404, jsonBody: { error: error.message } };
    }
  },
});

df.app.client.http("listInstances", {
  ...anonymous,
  route: "instances",
  methods: ["GET"],
  handler: async (request, client) => {
    const status = request.query.get("status");
    const list = status === null ? await client.getStatusAll() : await client.getStatusBy({ runtimeStatus: [status] });
    return { jsonBody: list.map((s) => ({ instanceId: s.instanceId, name: s.name, runtimeStatus: s.runtimeStatus })) };
  },
});

df.app.client.http("operate", {
  ...anonymous,
  route: "instances/{id}/{operation}",
  methods: ["POST", "DELETE"],
  handler: async (request, client) => {
    const { id, operation } = request.params;
    switch (operation) {
      case "raise":
        await client.raiseEvent(id, request.query.get("event"), await request.json());
        break;
      case "terminate":
        await client.terminate(id, "stopped by test");
        break;
      case "suspend":
        await client.suspend(id, "paused by test");
        break;
      case "resume":
        await client.resume(id, "resumed by test");
        break;
      case "purge":
        return { jsonBody: await client.purgeInstanceHistory(id) };
      default:
        return { status: 400 };
    }
    return { status: 202 };
  },
});

app.http("keyed", {
  route: "keyed/{item?}",
  methods: ["GET"],
  authLevel: "function",
  handler: (request) => ({ jsonBody: { item: request.params.item ?? null, query: request.query.get("q") } }),
});
