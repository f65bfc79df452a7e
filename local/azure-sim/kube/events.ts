/** Events as the scheduler, kubelet and controllers record them (what kubectl get events and describe show). */
import { randomBytes } from "node:crypto";
import type { KubeObject } from "./model.js";
import { meta } from "./objects.js";
import type { KubeStore } from "./store.js";

const eventTime = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");

/** An Event about `object`, as the scheduler, kubelet and controllers record them (kubectl describe / get events). */
export function recordEvent(
  store: KubeStore,
  object: KubeObject,
  reason: string,
  message: string,
  component: string,
  host?: string,
): void {
  const now = eventTime();
  store.create("events", {
    apiVersion: "v1",
    kind: "Event",
    metadata: meta(`${object.metadata.name}.${randomBytes(8).toString("hex")}`, object.metadata.namespace),
    involvedObject: {
      kind: object.kind,
      namespace: object.metadata.namespace,
      name: object.metadata.name,
      uid: object.metadata.uid,
      apiVersion: object.apiVersion,
      resourceVersion: object.metadata.resourceVersion,
    },
    reason,
    message,
    source: { component, ...(host === undefined ? {} : { host }) },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
    type: "Normal",
    eventTime: null,
    reportingComponent: component,
    reportingInstance: host ?? "",
  });
}

/** The API server keeps events for an hour (kube-apiserver --event-ttl default). */
const eventTtlMs = 3_600_000;

export function pruneEvents(store: KubeStore): void {
  const cutoff = Date.now() - eventTtlMs;
  for (const event of store.list("events")) {
    const last = typeof event.lastTimestamp === "string" ? Date.parse(event.lastTimestamp) : Date.now();
    if (last < cutoff) store.remove("events", event.metadata.namespace, event.metadata.name);
  }
}
