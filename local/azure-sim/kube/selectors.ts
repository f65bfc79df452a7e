/**
 * Label selectors (equality- and set-based, as in k8s.io/apimachinery/pkg/labels) and the field selectors the API
 * server supports for the kinds served here (metadata.name/namespace everywhere, spec.nodeName and status.phase on pods).
 */
import type { KubeObject } from "./model.js";

type Requirement = (labels: Record<string, string>) => boolean;

/** Splits on commas outside parentheses: `a in (x,y),b!=c` → ["a in (x,y)", "b!=c"]. */
function terms(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of selector) {
    if (char === "(") depth += 1;
    if (char === ")") depth -= 1;
    if (char === "," && depth === 0) {
      out.push(current.trim());
      current = "";
    } else current += char;
  }
  if (current.trim() !== "") out.push(current.trim());
  return out;
}

export class SelectorError extends Error {}

function requirement(term: string): Requirement {
  const set = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (set !== null) {
    const [, key = "", op, list = ""] = set;
    const values = list.split(",").map((value) => value.trim());
    return op === "in"
      ? (labels) => labels[key] !== undefined && values.includes(labels[key])
      : (labels) => labels[key] === undefined || !values.includes(labels[key]);
  }
  const inequality = /^([^!=\s]+)\s*!=\s*(\S*)$/.exec(term);
  if (inequality !== null) {
    const [, key = "", value] = inequality;
    return (labels) => labels[key] !== value;
  }
  const equality = /^([^!=\s]+)\s*==?\s*(\S*)$/.exec(term);
  if (equality !== null) {
    const [, key = "", value] = equality;
    return (labels) => labels[key] === value;
  }
  const absent = /^!\s*(\S+)$/.exec(term);
  if (absent !== null) return (labels) => labels[absent[1] ?? ""] === undefined;
  if (/^[A-Za-z0-9._/-]+$/.test(term)) return (labels) => labels[term] !== undefined;
  throw new SelectorError(`unable to parse requirement: ${term}`);
}

export function labelMatcher(selector: string | null): (object: KubeObject) => boolean {
  if (selector === null || selector.trim() === "") return () => true;
  const requirements = terms(selector).map(requirement);
  return (object) => requirements.every((matches) => matches(object.metadata.labels ?? {}));
}

/** Field selectors each kind supports (the API server's field label conversion funcs), read by dotted path. */
const supportedFields: Record<string, string[]> = {
  Pod: [
    "spec.nodeName",
    "status.phase",
    "spec.restartPolicy",
    "spec.schedulerName",
    "spec.serviceAccountName",
    "status.podIP",
  ],
  Node: ["spec.unschedulable"],
  Event: [
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "source",
    "type",
  ],
  Secret: ["type"],
};

function fieldValue(object: KubeObject, field: string): string {
  if (field === "metadata.namespace") return object.metadata.namespace ?? "";
  if (field === "spec.unschedulable") return String(object.spec?.unschedulable === true);
  let value: unknown = object;
  for (const part of field.split("."))
    value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  if (field === "source" && typeof value === "object" && value !== null)
    value = (value as { component?: unknown }).component;
  return typeof value === "string"
    ? value
    : typeof value === "boolean" || typeof value === "number"
      ? String(value)
      : "";
}

export function fieldMatcher(selector: string | null, kind: string): (object: KubeObject) => boolean {
  if (selector === null || selector.trim() === "") return () => true;
  const requirements = terms(selector).map((term) => {
    const match = /^([^!=\s]+)\s*(!=|==|=)\s*(.*)$/.exec(term);
    if (match === null) throw new SelectorError(`invalid field selector: ${term}`);
    const [, field = "", op, value = ""] = match;
    const supported = ["metadata.name", "metadata.namespace", ...(supportedFields[kind] ?? [])];
    if (!supported.includes(field)) throw new SelectorError(`field label not supported: ${field}`);
    return (object: KubeObject) =>
      op === "!=" ? fieldValue(object, field) !== value : fieldValue(object, field) === value;
  });
  return (object) => requirements.every((matches) => matches(object));
}
