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

function fieldValue(object: KubeObject, field: string): string | undefined {
  switch (field) {
    case "metadata.name":
      return object.metadata.name;
    case "metadata.namespace":
      return object.metadata.namespace ?? "";
    case "spec.nodeName":
      return object.kind === "Pod" ? typeof object.spec?.nodeName === "string" ? object.spec.nodeName : "" : undefined;
    case "status.phase":
      return object.kind === "Pod" ? typeof object.status?.phase === "string" ? object.status.phase : "" : undefined;
    case "spec.unschedulable":
      return object.kind === "Node" ? String(object.spec?.unschedulable === true) : undefined;
    default:
      return undefined;
  }
}

export function fieldMatcher(selector: string | null, kind: string): (object: KubeObject) => boolean {
  if (selector === null || selector.trim() === "") return () => true;
  const requirements = terms(selector).map((term) => {
    const match = /^([^!=\s]+)\s*(!=|==|=)\s*(.*)$/.exec(term);
    if (match === null) throw new SelectorError(`invalid field selector: ${term}`);
    const [, field = "", op, value = ""] = match;
    const supported = ["metadata.name", "metadata.namespace"];
    if (kind === "Pod") supported.push("spec.nodeName", "status.phase");
    if (kind === "Node") supported.push("spec.unschedulable");
    if (!supported.includes(field))
      throw new SelectorError(`field label not supported: ${field}`);
    return (object: KubeObject) => (op === "!=" ? fieldValue(object, field) !== value : fieldValue(object, field) === value);
  });
  return (object) => requirements.every((matches) => matches(object));
}
