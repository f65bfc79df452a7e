/**
 * What POST /api/clusters answers when it accepts a run (202) or only plans a change (?whatIf=true, 200), described
 * once: the handler builds its bodies with these types and /api/openapi.json publishes the schemas.
 */
import { z } from "zod";
import { changePlanSchema, type ChangePlan } from "./changes/changePlanSchema.js";
import type { Warning } from "./violations.js";

export const warningSchema = z
  .strictObject({ path: z.string(), code: z.string(), message: z.string() })
  .describe("An allowed but unwise field, by dotted JSON path into the request");

export const acceptedRunSchema = z
  .strictObject({
    id: z.string(),
    status: z.literal("Pending"),
    statusUrl: z.string().describe("The status monitor (also in Location and Operation-Location)"),
    warnings: z.array(warningSchema),
    changes: z
      .array(z.string())
      .optional()
      .describe("For a cluster this API already built: the request paths the run changes, then verifies"),
    changePlan: changePlanSchema.optional().describe("For a change to a cluster this API built: its plan"),
  })
  .describe("A run was accepted (or this POST joined the run of the same spec): poll statusUrl");
export type AcceptedRun = z.infer<typeof acceptedRunSchema>;

export const whatIfAnswerSchema = z
  .strictObject({
    id: z.string(),
    statusUrl: z.string(),
    exists: z.boolean().describe("false: no cluster this API built, changePlan null"),
    warnings: z.array(warningSchema),
    changePlan: changePlanSchema
      .nullable()
      .describe("The plan even for a change the POST would refuse (refused, acknowledgementNeeded, failed checks)"),
  })
  .describe("POST /api/clusters?whatIf=true: the change plan; nothing started");
export type WhatIfAnswer = z.infer<typeof whatIfAnswerSchema>;

/** The 202 body: a change lists its paths and plan; a new cluster, or the same spec again, carries neither. */
export function acceptedRun(
  where: { id: string; statusUrl: string },
  warnings: Warning[],
  plan: ChangePlan | null,
): AcceptedRun {
  return {
    id: where.id,
    status: "Pending",
    statusUrl: where.statusUrl,
    warnings,
    ...(plan !== null && plan.changes.length > 0
      ? { changes: plan.changes.flatMap((change) => change.paths), changePlan: plan }
      : {}),
  };
}

/** The ?whatIf=true body: the change plan for a cluster this API built, null for a new one (POST /plans plans it). */
export function whatIfAnswer(
  where: { id: string; statusUrl: string },
  warnings: Warning[],
  plan: ChangePlan | null,
): WhatIfAnswer {
  return { id: where.id, statusUrl: where.statusUrl, exists: plan !== null, warnings, changePlan: plan };
}
