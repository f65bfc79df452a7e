/**
 * The activities behind run events and the run index. Each is idempotent: recording the same state twice writes the
 * same rows, and an event carries a fixed id so a receiver drops a repeat of an at-least-once delivery.
 */
import type { TokenCredential } from "@azure/core-auth";
import { audit } from "../audit.js";
import type { EventDelivery } from "../domain/progress.js";
import { signatureHeader } from "../events/signature.js";
import { urlProblem } from "../events/notifyTarget.js";
import type { ReceiverHostPattern } from "../events/receiverHosts.js";
import { postToWebhook } from "../events/webhookDelivery.js";
import type { NotifySecrets } from "../store/notifySecrets.js";
import type { RunIndex } from "../store/runIndex.js";
import { transientMarker } from "./guard.js";
import type { ActivityResult, DeliverEventInput, PublishEventInput, RecordRunStateInput } from "./contracts.js";

export interface EventDependencies {
  index: () => RunIndex;
  secrets: () => NotifySecrets;
  allowLoopback: boolean;
  /** NOTIFY_ALLOWED_HOSTS, re-checked at each delivery (the setting may have changed since the run was accepted). */
  allowedHosts?: ReceiverHostPattern[] | null;
  eventGridTopicEndpoint: string | null;
  credential: () => TokenCredential;
}

/** Durable retries a thrown transient error with backoff; the text carries only the receiver's status, never the secret. */
const retryLater = (detail: string): never => {
  throw new Error(`${transientMarker("EventDeliveryFailed")} ${detail}`);
};

export function recordRunState(deps: EventDependencies) {
  return async (input: RecordRunStateInput): Promise<ActivityResult<{ recorded: true }>> => {
    try {
      await deps.index().record(input.summary);
    } catch (error) {
      retryLater(`run index: ${error instanceof Error ? (error.message.split("\n")[0] ?? "") : "error"}`);
    }
    audit({ action: input.action, who: input.actor, clusterId: input.summary.id, outcome: input.summary.status });
    return { ok: true, value: { recorded: true } };
  };
}

export function deliverEvent(deps: EventDependencies) {
  return async (input: DeliverEventInput): Promise<ActivityResult<EventDelivery>> => {
    const rules = { allowLoopback: deps.allowLoopback, allowedHosts: deps.allowedHosts ?? null };
    const refused = urlProblem(input.url, rules);
    const gaveUp = (httpStatus: number | null, detail: string): ActivityResult<EventDelivery> => {
      audit({
        action: "event.rejected",
        who: "system",
        clusterId: input.event.subject,
        outcome: input.event.type,
        detail,
      });
      return {
        ok: true,
        value: { type: input.event.type, target: "webhook", outcome: "rejected", httpStatus, detail },
      };
    };
    if (refused !== null) return gaveUp(null, refused);
    const body = JSON.stringify(input.event);
    const headers: Record<string, string> = {
      "Content-Type": "application/cloudevents+json; charset=utf-8",
      "User-Agent": "aks-provisioning-api",
    };
    if (input.secretRef !== null) {
      const secret = await deps.secrets().get(input.secretRef.clusterId, input.secretRef.runKey);
      if (secret === null) return gaveUp(null, "the run's notification secret is gone; not sending unsigned");
      headers["X-Signature-256"] = signatureHeader(body, secret);
    }
    const attempt = await postToWebhook(input.url, body, headers, rules);
    switch (attempt.kind) {
      case "delivered":
        return {
          ok: true,
          value: {
            type: input.event.type,
            target: "webhook",
            outcome: "delivered",
            httpStatus: attempt.httpStatus,
            detail: null,
          },
        };
      case "rejected":
        return gaveUp(attempt.httpStatus, attempt.detail);
      case "retry":
        return retryLater(attempt.detail);
    }
  };
}

/** Event Grid custom topic, CloudEvents batch, the app's own Entra identity: no SDK needed for one POST. */
export function publishEvent(deps: EventDependencies) {
  return async (input: PublishEventInput): Promise<ActivityResult<EventDelivery>> => {
    const endpoint = deps.eventGridTopicEndpoint;
    const result = (outcome: EventDelivery["outcome"], httpStatus: number | null, detail: string | null) => ({
      ok: true as const,
      value: { type: input.event.type, target: "eventGrid" as const, outcome, httpStatus, detail },
    });
    if (endpoint === null) return result("rejected", null, "EVENT_GRID_TOPIC_ENDPOINT is not set");
    let token: string;
    try {
      const granted = await deps.credential().getToken("https://eventgrid.azure.net/.default");
      if (granted === null) return retryLater("no Entra token for Event Grid");
      token = granted.token;
    } catch (error) {
      return retryLater(
        `Entra token for Event Grid: ${error instanceof Error ? (error.message.split("\n")[0] ?? "") : "error"}`,
      );
    }
    let status: number;
    try {
      const response = await fetch(endpoint, {
        method: "POST",
        headers: {
          Authorization: `Bearer ${token}`,
          "Content-Type": "application/cloudevents-batch+json; charset=utf-8",
        },
        body: JSON.stringify([input.event]),
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      status = response.status;
    } catch (error) {
      return retryLater(`Event Grid: ${error instanceof Error ? error.name : "error"}`);
    }
    if (status >= 200 && status < 300) return result("delivered", status, null);
    if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
      audit({
        action: "event.rejected",
        who: "system",
        clusterId: input.event.subject,
        outcome: input.event.type,
        detail: `Event Grid answered ${status}`,
      });
      return result("rejected", status, `Event Grid answered ${status}`);
    }
    return retryLater(`Event Grid answered ${status}`);
  };
}
