/**
 * One DurableClient per binding: `df.app.client.http` builds a new client (an axios instance, URL checks, a deep copy
 * of the binding data) on every invocation, which under portal polling cost more CPU than the status read itself. The
 * client holds no per-request state, and the binding data it is built from is the same for every invocation in a host,
 * so it is built once per distinct binding value.
 */
import type { InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import type { DurableClient } from "durable-functions";
import { withStorageDeadlines } from "../azure/storageDeadline.js";

export const durableClientInput = df.input.durableClient();

const clients = new Map<string, DurableClient>();
// A host hands out one binding value (two while its keys rotate); the bound keeps a misbehaving host from growing it.
const maxClients = 4;

export function durableClientOf(context: InvocationContext): DurableClient {
  const data = context.extraInputs.get(durableClientInput) as Partial<Record<string, unknown>> | undefined;
  // The hub and the endpoints with their key identify a binding value (a rotated key gives a new one).
  const key = `${String(data?.taskHubName)} ${String(data?.rpcBaseUrl)} ${String(data?.baseUrl)} ${String(data?.requiredQueryStringParameters)}`;
  const known = clients.get(key);
  if (known !== undefined) return known;
  // Every client call reads or writes the task hub's storage: each answers within a bound or fails as unavailable.
  const client = withStorageDeadlines(df.getClient(context), "the Durable task hub");
  if (clients.size >= maxClients) clients.delete(clients.keys().next().value as string);
  clients.set(key, client);
  return client;
}
