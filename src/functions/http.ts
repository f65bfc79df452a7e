import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import type { DurableClient } from "durable-functions";
import type { AzureClientFactory } from "../azure/clients.js";
import { appConfig, type AppConfig } from "../config.js";
import { problem } from "../domain/problem.js";
import { isStorageOutage, storageRetryAfterSeconds } from "../azure/storageDeadline.js";
import { durableClientInput, durableClientOf } from "./durableClients.js";
import { cancelProvisioning } from "../http/cancelProvisioning.js";
import { deleteCluster } from "../http/deleteCluster.js";
import { getProvisioningStatus } from "../http/getProvisioningStatus.js";
import { listClusters } from "../http/listClusters.js";
import { openApiHandler } from "../http/openapi.js";
import type { LivePlanDependencies } from "../http/livePlan.js";
import { planClusterHandler } from "../http/planCluster.js";
import { requestSchemaHandler, requestSchemaRoute } from "../http/requestSchema.js";
import { problemResponse } from "../http/responses.js";
import { startProvisioning } from "../http/startProvisioning.js";

// Every route is anonymous to the Functions host: the app itself identifies the caller (identity/caller.ts) from the
// Easy Auth principal or a CALLER_KEYS key, so a person never needs the host's function key and no key outranks
// their grants.
// Validate the app settings (ACCESS_POLICY included) when the app loads: a bad setting stops the host at start with
// every problem named, instead of failing the first request.
appConfig();

type ClientHandler = (request: HttpRequest, client: DurableClient, config: AppConfig) => Promise<HttpResponseInit>;

/** One error path for every route: unexpected failures are logged with the invocation id and answered as problem+json. */
function withDurableClient(handler: ClientHandler) {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    try {
      return await handler(request, durableClientOf(context), appConfig());
    } catch (error) {
      context.error(
        `${request.method} ${new URL(request.url).pathname} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      if (isStorageOutage(error)) return storageUnavailable();
      return problemResponse(
        problem(500, "Internal Server Error", `Unexpected error; invocation ${context.invocationId}.`),
      );
    }
  };
}

/**
 * Storage that hangs or cannot be reached: the caller may retry. A POST whose start did reach storage is joined by
 * its retry (the run's id comes from the request), so nothing is started twice and nothing answered 202 is unrecorded.
 */
function storageUnavailable(): HttpResponseInit {
  const detail =
    "The run store did not answer in time; nothing was acknowledged. Retry the same request after Retry-After " +
    "seconds (a retried POST joins the run if it did start).";
  return problemResponse(
    problem(503, "Service Unavailable", detail, {
      errors: [{ path: "", code: "storage-unavailable", message: "the run store did not answer in time" }],
    }),
    { "Retry-After": String(storageRetryAfterSeconds) },
  );
}

app.http("startProvisioning", {
  route: "clusters",
  methods: ["POST"],
  authLevel: "anonymous",
  extraInputs: [durableClientInput],
  handler: withDurableClient(startProvisioning),
});

app.http("listClusters", {
  route: "clusters",
  methods: ["GET"],
  authLevel: "anonymous",
  extraInputs: [durableClientInput],
  handler: withDurableClient(listClusters),
});

app.http("getProvisioningStatus", {
  route: "clusters/{id}",
  methods: ["GET"],
  authLevel: "anonymous",
  extraInputs: [durableClientInput],
  handler: withDurableClient(getProvisioningStatus),
});

app.http("deleteCluster", {
  route: "clusters/{id}",
  methods: ["DELETE"],
  authLevel: "anonymous",
  extraInputs: [durableClientInput],
  handler: withDurableClient(deleteCluster),
});

app.http("cancelProvisioning", {
  route: "clusters/{id}/cancel",
  methods: ["POST"],
  authLevel: "anonymous",
  extraInputs: [durableClientInput],
  handler: withDurableClient(cancelProvisioning),
});

// Live plans build the Azure SDK clients on their first call, as the activities do: a cold start stays cheap.
let liveClients: Promise<AzureClientFactory> | undefined;
const liveDependencies = (): LivePlanDependencies => ({
  config: appConfig(),
  clientsFor: () =>
    (liveClients ??= import("../azure/clients.js").then((azure) => azure.createAzureClientFactory(appConfig().azure))),
});

app.http("planCluster", {
  route: "plans",
  methods: ["POST"],
  authLevel: "anonymous",
  handler: async (request, context) => {
    try {
      return await planClusterHandler(request, liveDependencies());
    } catch (error) {
      // The same one error path as the Durable routes: the message (redacted by the SDK's error text) is logged, the
      // caller gets problem+json with the invocation id.
      context.error(`POST /api/plans failed: ${error instanceof Error ? error.name : "unknown error"}`);
      return problemResponse(
        problem(500, "Internal Server Error", `Unexpected error; invocation ${context.invocationId}.`),
      );
    }
  },
});

app.http("openApi", { route: "openapi.json", methods: ["GET"], authLevel: "anonymous", handler: openApiHandler });

// Public like the OpenAPI document that carries the same schema: a portal builds its form before anyone signs in.
app.http("requestSchema", {
  route: requestSchemaRoute,
  methods: ["GET"],
  authLevel: "anonymous",
  handler: requestSchemaHandler,
});

app.http("health", {
  route: "health",
  methods: ["GET"],
  authLevel: "anonymous",
  handler: () => ({ status: 200, jsonBody: { status: "ok" } }),
});
