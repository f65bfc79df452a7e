/**
 * ARM's tag rules (learn.microsoft.com "Use tags to organize your Azure resources"): at most 50 tags per resource,
 * names ≤ 512 characters without < > % & \ ? /, values ≤ 256. Prototype keys are refused by name, not dropped: a
 * silently lost tag is worse than a 400 (audit D14).
 */
import type { RequestView } from "../../requestView.js";
import type { Violation } from "../../violations.js";

/** The API adds its own `managed-by` tag to every resource it creates, which counts against ARM's 50. */
const managedByTag = "managed-by";
const maxTags = 50;
const forbiddenNames = new Set(["__proto__", "constructor", "prototype"]);

export function tagsFollowArmRules(view: RequestView): Violation[] {
  if (view.tags === null) return [];
  const violations: Violation[] = [];
  const names = new Set(view.tags.map(([name]) => name.toLowerCase()));
  names.add(managedByTag);
  if (names.size > maxTags) {
    violations.push({
      path: "tags",
      code: "too-many-tags",
      message: `ARM allows ${maxTags} tags per resource, and this API adds '${managedByTag}': give at most ${maxTags - 1} others`,
    });
  }
  for (const [name, value] of view.tags) {
    const path = `tags.${name}`;
    if (forbiddenNames.has(name)) {
      violations.push({ path, code: "forbidden-tag-name", message: `'${name}' cannot be a tag name here` });
    } else if (name.length === 0 || /[<>%&\\?/]/.test(name)) {
      violations.push({
        path,
        code: "invalid-tag-name",
        message: "tag names must be non-empty without < > % & \\ ? /",
      });
    } else if (name.length > 512) {
      violations.push({
        path,
        code: "tag-name-too-long",
        message: `tag name has ${name.length} characters; ARM allows 512`,
      });
    }
    if (typeof value === "string" && value.length > 256) {
      violations.push({
        path,
        code: "tag-value-too-long",
        message: `tag value has ${value.length} characters; ARM allows 256`,
      });
    }
  }
  return violations;
}
