/**
 * `acknowledge` is taken off the POST body here: like `notify`, it is not part of the spec, so it changes neither the
 * plan nor the spec hash. What it acknowledges is decided with the change plan (domain/changes/changeDecision.ts).
 */
import { z } from "zod";
import { changeRules } from "../domain/changes/changeRules.js";
import { problem, type ProblemDetails } from "../domain/problem.js";

const knownCodes = changeRules.map((rule) => rule.code);
const acknowledgeSchema = z.array(z.string().max(64)).max(knownCodes.length);

export type SplitAcknowledge =
  { ok: true; spec: unknown; acknowledge: string[] } | { ok: false; problem: ProblemDetails };

export function splitAcknowledge(body: unknown): SplitAcknowledge {
  if (typeof body !== "object" || body === null || Array.isArray(body) || !("acknowledge" in body)) {
    return { ok: true, spec: body, acknowledge: [] };
  }
  const { acknowledge, ...spec } = body as Record<string, unknown>;
  const parsed = acknowledgeSchema.safeParse(acknowledge);
  const unknown = parsed.success ? parsed.data.filter((code) => !knownCodes.includes(code)) : [];
  if (!parsed.success || unknown.length > 0) {
    const message = `acknowledge must be a list of change codes (${knownCodes.join(", ")})`;
    return {
      ok: false,
      problem: problem(400, "Bad Request", `${message}.`, {
        errors: [{ path: "acknowledge", code: "invalid-acknowledge", message }],
      }),
    };
  }
  return { ok: true, spec, acknowledge: parsed.data };
}
