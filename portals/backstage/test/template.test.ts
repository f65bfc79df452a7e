/**
 * The example template's form is the published request schema: every form field the step's `request` uses carries
 * the same rules (type, pattern, range; enum a subset) as the schema at the path the field lands on. A rule changed in
 * the API without the template fails here.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { clusterRequestJsonSchema } from "../../../src/http/requestSchema.js";

type Schema = Record<string, unknown> & { properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[] };

interface TemplateDoc {
  spec: {
    parameters: { properties: Record<string, Schema> }[];
    steps: { id: string; input: { request?: unknown } }[];
  };
}

const template = parse(readFileSync(new URL("../examples/template.yaml", import.meta.url), "utf8")) as TemplateDoc;
const published = clusterRequestJsonSchema() as Schema;
const fields = Object.assign({}, ...template.spec.parameters.map((page) => page.properties)) as Record<string, Schema>;

/** Each `${{ parameters.x }}` in the request with the path it fills, e.g. clusterName → ["clusterName"]. */
function uses(value: unknown, path: (string | number)[] = []): [string, (string | number)[]][] {
  if (typeof value === "string") {
    const whole = /^\$\{\{ parameters\.(\w+) \}\}$/.exec(value);
    return whole === null ? [] : [[whole[1] ?? "", path]];
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => uses(item, [...path, index]));
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => uses(item, [...path, key]));
  }
  return [];
}

function at(schema: Schema, path: (string | number)[]): Schema {
  let here = schema;
  for (const step of path) {
    const branch = here.anyOf?.find((option) => option.type !== "null") ?? here;
    const next = typeof step === "number" ? branch.items : branch.properties?.[step];
    if (next === undefined) throw new Error(`the published schema has nothing at ${path.join(".")}`);
    here = next;
  }
  return here.anyOf?.find((option) => option.type !== "null") ?? here;
}

const request = template.spec.steps.find((step) => step.id === "create")?.input.request;
const used = uses(request);

describe("the example template's form", () => {
  it("puts every form field into the request", () => {
    expect(used.map(([name]) => name).sort()).toEqual(Object.keys(fields).sort());
  });

  it.each(used)("%s has the published schema's rules at its path", (name, path) => {
    const field = fields[name] ?? {};
    const rules = at(published, path);
    expect([rules.type].flat()).toContain(field.type);
    for (const rule of ["pattern", "minimum", "maximum", "minLength", "maxLength"]) {
      expect(field[rule], `${name}.${rule}`).toEqual(rules[rule]);
    }
    if (rules.enum !== undefined) expect(rules.enum).toEqual(expect.arrayContaining(field.enum as unknown[]));
  });
});
