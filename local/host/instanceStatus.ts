/** Instance states and the errors client operations report (mapped to 404/409/410 by the HTTP API). */
import { randomUUID } from "node:crypto";

export class InstanceExistsError extends Error {}
export class NotFoundError extends Error {}
export class GoneError extends Error {}

const activeStatuses = new Set(["Pending", "Running", "Suspended", "ContinuedAsNew"]);
export const isActiveStatus = (status: string) => activeStatuses.has(status);

/** DTFx execution ids are GUIDs without dashes. */
export const newExecutionId = () => randomUUID().replace(/-/g, "");
