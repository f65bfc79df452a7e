/**
 * `acknowledge` is taken off the POST body here: like `notify`, it is not part of the spec, so it changes neither the
 * plan nor the spec hash. What it acknowledges is decided with the change plan (domain/changes/changeDecision.ts).
 */
import { z } from "zod";
import { changeRules } from "../domain/changes/changeRules.js";
import { problem, type ProblemDetails } from "../domain/problem.js";

const knownCodes = changeRules.map((rule) => rule.code);
const acknowledgeSchema = z
  .array(z.enum(knownCodes))
  .max(knownCodes.length)
  .describe(
    "Change codes the caller accepts as one-way or disruptive (changePlan.acknowledgementNeeded); " +
      "not part of the spec",
  );

/** The body's `acknowledge` as OpenAPI publishes it: the schema it is validated with. */
export function acknowledgeJsonSchema(): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(acknowledgeSchema, { io: "input" });
  return schema;
}

export type SplitAcknowledge =
  { ok: true; spec: unknown; acknowledge: string[] } | { ok: false; problem: ProblemDetails };

export function splitAcknowledge(body: unknown): SplitAcknowledge {
  if (typeof body !== "object" || body === null || Array.isArray(body) || !("acknowledge" in body)) {
    return { ok: true, spec: body, acknowledge: [] };
  }
  const { acknowledge, ...spec } = body as Record<string, unknown>;
  const parsed = acknowledgeSchema.safeParse(acknowledge);
  if (!parsed.success) {
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
