/**
 * `notify` is a top-level field of the POST body, not part of the cluster's spec: it is taken off here before the
 * planner sees the body, so it changes neither the plan nor the spec hash.
 */
import { z } from "zod";
import { problem, type ProblemDetails } from "../domain/problem.js";
import { addressRuleProblem, receiverProblem, type TargetRules } from "../events/notifyTarget.js";

export interface NotifyRequest {
  url: string;
  secret: string | null;
  steps: boolean;
}

/** The field as the POST body takes it; the URL's own rules (scheme, address) are urlProblem's, after this. */
export const notifyInputSchema = z
  .strictObject({
    url: z
      .string()
      .max(2_048)
      .meta({ format: "uri" })
      .describe(
        "https only (http to localhost/127.0.0.1/[::1] only where NOTIFY_ALLOW_LOOPBACK=true); link-local and " +
          "metadata addresses, in any spelling, are refused here and at each delivery after DNS resolution. Where " +
          "the deployment sets NOTIFY_ALLOWED_HOSTS (exact hosts and *.<domain>), a host off that list is a 400 " +
          "(errors[].path notify.url, code notify-host-not-allowed) here and at POST /api/plans, and is re-checked " +
          "at each delivery.",
      ),
    secret: z
      .string()
      .min(16)
      .max(256)
      .optional()
      .meta({ writeOnly: true })
      .describe("Signs each event: X-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>. Never shown again."),
    steps: z
      .boolean()
      .default(false)
      .describe("Also send aks.provisioning.step after each step, off the run's critical path (never slows it)"),
  })
  .describe(
    "Where to POST CloudEvents when the run ends (and after each step with steps: true). Not part of the " +
      "cluster's spec: it changes neither the plan nor the spec hash.",
  );

export type SplitBody =
  { ok: true; spec: unknown; notify: NotifyRequest | null } | { ok: false; problem: ProblemDetails };

const bad = (path: string, code: string, message: string): SplitBody => ({
  ok: false,
  problem: problem(400, "Bad Request", message, { errors: [{ path, code, message }] }),
});

export function splitNotify(body: unknown, rules: TargetRules): SplitBody {
  if (typeof body !== "object" || body === null || Array.isArray(body) || !("notify" in body)) {
    return { ok: true, spec: body, notify: null };
  }
  const { notify, ...spec } = body as Record<string, unknown>;
  const parsed = notifyInputSchema.safeParse(notify);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = ["notify", ...(issue?.path ?? []).map(String)].join(".");
    // The message names the rule, never the value: a secret sent in the wrong place must not be echoed back.
    return bad(path, "invalid-notify", `${path}: ${issue?.message ?? "invalid"}`);
  }
  const refused = addressRuleProblem(parsed.data.url, rules);
  if (refused !== null) return bad("notify.url", "invalid-notify-url", refused);
  const unlisted = receiverProblem(parsed.data.url, rules);
  if (unlisted !== null) return bad("notify.url", "notify-host-not-allowed", unlisted);
  return {
    ok: true,
    spec,
    notify: { url: parsed.data.url, secret: parsed.data.secret ?? null, steps: parsed.data.steps },
  };
}
