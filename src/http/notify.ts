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

const notifySchema = z
  .object({
    url: z.string().max(2_048),
    secret: z.string().min(16).max(256).optional(),
    steps: z.boolean().optional(),
  })
  .strict();

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
  const parsed = notifySchema.safeParse(notify);
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
    notify: { url: parsed.data.url, secret: parsed.data.secret ?? null, steps: parsed.data.steps ?? false },
  };
}
