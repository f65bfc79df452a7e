/**
 * What a run carries besides the cluster request: who asked, when the API accepted it, and where its completion events
 * go. Kept apart from ClusterRequest on purpose: none of it is part of the cluster's spec, so the planner and the spec
 * hash never see it. The notification secret is not here either: it stays in its own table (see store/notifySecrets).
 */

/** The webhook a caller asked to be told at: the URL, whether events are signed, whether each step is sent too. */
export interface WebhookTarget {
  url: string;
  signed: boolean;
  steps: boolean;
}

export interface EventTargets {
  webhook: WebhookTarget | null;
  /** Publish to the configured Event Grid topic as well (app setting EVENT_GRID_TOPIC_ENDPOINT). */
  eventGrid: boolean;
}

export interface RunMeta {
  clusterId: string;
  /** When the API accepted the run (ISO 8601): orders the run index and keys the run's events and secret. */
  acceptedAt: string;
  /** The caller's display name (user principal name) `app:<client id>` for an Entra app or `key:<id>` for a caller key. */
  requestedBy: string;
  events: EventTargets;
  /** The accepted provisioning run whose notification secret signs this run's events (a teardown uses its run's). */
  secretRunKey: string | null;
}

/** A compact, key-safe form of acceptedAt, used in instance ids, table keys and event ids. */
export function runKeyOf(acceptedAt: string): string {
  return acceptedAt.replace(/[^0-9]/g, "");
}

/** What the status document shows about notifications: never the secret, only that there is one. */
export function publicNotify(
  targets: EventTargets | undefined,
): { url: string; signed: boolean; steps: boolean } | null {
  return targets?.webhook ?? null;
}
