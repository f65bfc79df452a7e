/**
 * The product's ARM traffic checked against Azure's published REST specs (test/contract/specs: the schema parts of the
 * azure-rest-api-specs swagger for the operations the product calls, each with its source path and commit). Every
 * exchange must be a kept operation at the api-version it carries, or a row of outsideSpec.ts.
 *
 * A small Swagger 2.0 validator of its own rather than a JSON-schema library: the rules that matter here are
 * Swagger's, not JSON Schema's — a readOnly property in a request is an error, an x-ms-enum with modelAsString is an
 * open string, an optional property of an answer may be null, a property no definition (nor its allOf parents)
 * declares is an error in both directions, as the Azure API specs' own validator (oav) reports them. Only success
 * answers are checked: ARM error bodies carry fields (AKS's subcode) the common ErrorDetail does not declare, on the
 * live service too.
 */
import { readdirSync, readFileSync } from "node:fs";
import { posix } from "node:path";
import { fileURLToPath } from "node:url";
import type { ArmExchange } from "../../local/azure-sim/index.js";
import { outsideSpecUrlFor, type OutsideSpecUrl } from "./outsideSpec.js";

type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: string[];
  "x-ms-enum"?: { modelAsString?: boolean };
  "x-not-kept"?: boolean;
  "x-nullable"?: boolean;
  readOnly?: boolean;
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  allOf?: Schema[];
  items?: Schema;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
};

interface Operation {
  operationId: string;
  method: string;
  path: string;
  body?: Schema;
  responses: Record<string, Schema | null>;
}

interface SpecFile {
  file: string;
  source: { repo: string; path: string; commit: string };
  apiVersion?: string;
  operations?: Operation[];
  definitions: Record<string, Schema>;
}

export interface Violation {
  exchange: string;
  where: "request" | "response";
  path: string;
  message: string;
}

const folder = fileURLToPath(new URL("./specs/", import.meta.url));

export const specFiles: SpecFile[] = readdirSync(folder)
  .filter((name) => name.endsWith(".json"))
  .map((name) => ({ file: name, ...(JSON.parse(readFileSync(`${folder}${name}`, "utf8")) as Omit<SpecFile, "file">) }));

/** The file a $ref points into, a path relative to the referring file's place in azure-rest-api-specs. */
function resolve(ref: string, from: SpecFile): { schema: Schema; file: SpecFile } {
  const [path = "", pointer = ""] = ref.split("#");
  const target = path === "" ? from.source.path : posix.normalize(posix.join(posix.dirname(from.source.path), path));
  const file = specFiles.find((candidate) => candidate.source.path === target);
  const name = pointer.replace(/^\/definitions\//, "");
  const schema = file?.definitions[name];
  if (file === undefined || schema === undefined) throw new Error(`${from.file}: unresolved $ref ${ref}`);
  return { schema, file };
}

/** Every property a schema declares, its allOf parents' included (what additional-property checks allow). */
function declared(schema: Schema, file: SpecFile): Map<string, { schema: Schema; file: SpecFile }> {
  const all = new Map<string, { schema: Schema; file: SpecFile }>();
  for (const parent of schema.allOf ?? []) {
    const target = parent.$ref === undefined ? { schema: parent, file } : resolve(parent.$ref, file);
    for (const [name, entry] of declared(target.schema, target.file)) all.set(name, entry);
  }
  for (const [name, property] of Object.entries(schema.properties ?? {})) all.set(name, { schema: property, file });
  return all;
}

function requiredOf(schema: Schema, file: SpecFile): string[] {
  const parents = (schema.allOf ?? []).flatMap((parent) => {
    const target = parent.$ref === undefined ? { schema: parent, file } : resolve(parent.$ref, file);
    return requiredOf(target.schema, target.file);
  });
  return [...parents, ...(schema.required ?? [])];
}

const typeOf = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value;

function check(
  schemaIn: Schema,
  fileIn: SpecFile,
  value: unknown,
  where: "request" | "response",
  path: string,
  out: Omit<Violation, "exchange" | "where">[],
): void {
  let schema = schemaIn;
  let file = fileIn;
  if (schema.$ref !== undefined) {
    const target = resolve(schema.$ref, file);
    // A property's own readOnly sits beside its $ref.
    schema = { ...target.schema, ...(schemaIn.readOnly === true ? { readOnly: true } : {}) };
    file = target.file;
  }
  if (schema["x-not-kept"] === true) return;
  if (where === "request" && schema.readOnly === true) {
    out.push({ path, message: "readOnly property sent in a request" });
    return;
  }
  const actual = typeOf(value);
  const expected =
    schema.type ?? (schema.properties !== undefined || schema.allOf !== undefined ? "object" : undefined);
  if (expected !== undefined) {
    const fits =
      expected === actual ||
      (expected === "number" && actual === "integer") ||
      (expected === "object" && actual === "object");
    if (!fits) {
      out.push({ path, message: `is ${actual}, the spec says ${expected}` });
      return;
    }
  }
  if (typeof value === "string") {
    const open = schema["x-ms-enum"]?.modelAsString === true;
    if (schema.enum !== undefined && !open && !schema.enum.includes(value))
      out.push({ path, message: `'${value}' is not one of ${schema.enum.join(", ")}` });
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value))
      out.push({ path, message: `'${value}' does not match ${schema.pattern}` });
    if (schema.format === "date-time" && Number.isNaN(Date.parse(value)))
      out.push({ path, message: `'${value}' is not a date-time` });
    if (schema.minLength !== undefined && value.length < schema.minLength)
      out.push({ path, message: `is shorter than ${schema.minLength}` });
    if (schema.maxLength !== undefined && value.length > schema.maxLength)
      out.push({ path, message: `is longer than ${schema.maxLength}` });
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum)
      out.push({ path, message: `${value} is below ${schema.minimum}` });
    if (schema.maximum !== undefined && value > schema.maximum)
      out.push({ path, message: `${value} is above ${schema.maximum}` });
    if (schema.format === "int32" && (value > 2 ** 31 - 1 || value < -(2 ** 31)))
      out.push({ path, message: `${value} is not an int32` });
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      out.push({ path, message: `has fewer than ${schema.minItems} items` });
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      out.push({ path, message: `has more than ${schema.maxItems} items` });
    if (schema.items !== undefined)
      value.forEach((item, index) => check(schema.items as Schema, file, item, where, `${path}[${index}]`, out));
  }
  if (actual === "object") {
    const object = value as Record<string, unknown>;
    const properties = declared(schema, file);
    const required = requiredOf(schema, file);
    for (const name of required)
      if (object[name] === undefined) out.push({ path: `${path}.${name}`, message: "required, missing" });
    const extra = schema.additionalProperties;
    const open = properties.size === 0 && extra === undefined;
    for (const [name, item] of Object.entries(object)) {
      const property = properties.get(name);
      // oav's rule, and the live service's habit (role assignments answer condition: null): an optional property
      // of an answer may be null unless its schema says x-nullable: false.
      const nullable = where === "response" && !required.includes(name) && property?.schema["x-nullable"] !== false;
      if (item === null && nullable) continue;
      if (property !== undefined) check(property.schema, property.file, item, where, `${path}.${name}`, out);
      else if (typeof extra === "object") check(extra, file, item, where, `${path}.${name}`, out);
      else if (extra !== true && !open) out.push({ path: `${path}.${name}`, message: "not declared by the spec" });
    }
  }
}

/** A spec path as a pattern; `{scope}` is sent unencoded (x-ms-skip-url-encoding) and spans segments. */
function matcher(template: string): RegExp {
  const pattern = template
    .replace(/\./g, "\\.")
    .replace(/\{scope\}/g, "(?:.+)")
    .replace(/\{[^}]+\}/g, "[^/]+");
  return new RegExp(`^${pattern}$`, "i");
}

const operations = specFiles.flatMap((file) =>
  (file.operations ?? []).map((operation) => ({ operation, file, pattern: matcher(operation.path) })),
);

/** The spec operation an exchange is an instance of, if a kept spec has its api-version and path. */
export function operationFor(exchange: Pick<ArmExchange, "method" | "path" | "apiVersion">) {
  return operations.find(
    ({ operation, file, pattern }) =>
      file.apiVersion === exchange.apiVersion &&
      operation.method === exchange.method.toUpperCase() &&
      pattern.test(exchange.path),
  );
}

export interface ContractReport {
  checked: { operationId: string; status: number }[];
  /** Exchanges with a URL no spec operation describes, by the code of their row in outsideSpec.ts. */
  outsideSpec: { code: string; status: number }[];
  violations: Violation[];
}

type Found = Omit<Violation, "exchange" | "where">;

function keptFile(name: string): SpecFile {
  const file = specFiles.find((candidate) => candidate.file === name);
  if (file === undefined) throw new Error(`no kept spec ${name}`);
  return file;
}

/** A success answer against its status's schema (target null: no body to check); error answers are not checked. */
function checkAnswer(
  exchange: ArmExchange,
  declaredStatus: boolean,
  target: { schema: Schema; file: SpecFile } | null,
): Omit<Violation, "exchange">[] {
  if (exchange.status < 200 || exchange.status >= 300) return [];
  if (!declaredStatus) return [{ where: "response", path: "", message: "status not in the spec" }];
  if (target === null || exchange.responseBody === undefined) return [];
  const out: Found[] = [];
  check(target.schema, target.file, exchange.responseBody, "response", "body", out);
  return out.map((v) => ({ ...v, where: "response" as const }));
}

function checkOperation(exchange: ArmExchange, operation: Operation, file: SpecFile): Omit<Violation, "exchange">[] {
  const out: Found[] = [];
  if (operation.body !== undefined && exchange.requestBody !== undefined)
    check(operation.body, file, exchange.requestBody, "request", "body", out);
  const status = String(exchange.status);
  const schema = operation.responses[status];
  return [
    ...out.map((v) => ({ ...v, where: "request" as const })),
    ...checkAnswer(exchange, Object.hasOwn(operation.responses, status), schema ? { schema, file } : null),
  ];
}

function checkOutsideSpec(exchange: ArmExchange, url: OutsideSpecUrl): Omit<Violation, "exchange">[] {
  const sent: Omit<Violation, "exchange">[] =
    exchange.requestBody === undefined
      ? []
      : [{ where: "request", path: "body", message: `${url.code} takes no body` }];
  const target =
    url.answer === null
      ? null
      : { schema: { $ref: `#/definitions/${url.answer.definition}` }, file: keptFile(url.answer.file) };
  return [...sent, ...checkAnswer(exchange, url.statuses.includes(exchange.status), target)];
}

/**
 * Every exchange must be an operation of a kept spec at the api-version it carries, or a row of outsideSpec.ts: a
 * call of the product that neither describes fails, so coverage cannot shrink without a test failing.
 */
export function checkExchanges(exchanges: ArmExchange[]): ContractReport {
  const report: ContractReport = { checked: [], outsideSpec: [], violations: [] };
  for (const exchange of exchanges) {
    const name = `${exchange.method} ${exchange.path}?api-version=${exchange.apiVersion} → ${exchange.status}`;
    const found = operationFor(exchange);
    const outside = found === undefined ? outsideSpecUrlFor(exchange) : undefined;
    if (found !== undefined) {
      report.violations.push(
        ...checkOperation(exchange, found.operation, found.file).map((v) => ({ ...v, exchange: name })),
      );
      report.checked.push({ operationId: found.operation.operationId, status: exchange.status });
    } else if (outside !== undefined) {
      report.violations.push(...checkOutsideSpec(exchange, outside).map((v) => ({ ...v, exchange: name })));
      report.outsideSpec.push({ code: outside.code, status: exchange.status });
    } else {
      const message = "no spec on record for this method, path and api-version";
      report.violations.push({ exchange: name, where: "request", path: "", message });
    }
  }
  return report;
}

/** Checks a single body against a kept definition (tests that the validator can fail use it). */
export function checkBody(
  specFile: string,
  definition: string,
  value: unknown,
  where: "request" | "response",
): Found[] {
  const out: Found[] = [];
  check({ $ref: `#/definitions/${definition}` }, keptFile(specFile), value, where, "body", out);
  return out;
}
