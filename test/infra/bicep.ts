/**
 * Just enough Bicep for the infra tests, on top of the tree-sitter grammar: find declarations and evaluate the
 * expressions that decide what gets deployed (objects, arrays, ternaries, comparisons, union, empty, string, padLeft,
 * interpolation) for given parameter values. What cannot be known before deployment (module outputs,
 * environment(), resource properties) evaluates to a placeholder `<source text>`, so a test can still see where a
 * value comes from. This is no Bicep compiler: it exists so a test can ask "with durableBackend = X, which settings,
 * roles and modules are deployed?" and fail when the answer changes.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Language, Parser, type Node } from "web-tree-sitter";

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

let parser: Parser | undefined;

export async function loadBicepParser(): Promise<Parser> {
  if (parser !== undefined) return parser;
  await Parser.init();
  const require = createRequire(import.meta.url);
  const language = await Language.load(require.resolve("tree-sitter-bicep/tree-sitter-bicep.wasm"));
  parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

export type DeclarationKind =
  | "parameter_declaration"
  | "variable_declaration"
  | "resource_declaration"
  | "module_declaration"
  | "output_declaration";

export class BicepFile {
  readonly root: Node;

  constructor(
    readonly path: string,
    bicepParser: Parser,
  ) {
    const tree = bicepParser.parse(readFileSync(path, "utf8"));
    if (tree === null) throw new Error(`cannot parse ${path}`);
    this.root = tree.rootNode;
  }

  declarations(kind: DeclarationKind): Node[] {
    return this.root.namedChildren.filter((node): node is Node => node !== null && node.type === kind);
  }

  declaration(kind: DeclarationKind, name: string): Node {
    const found = this.declarations(kind).find((node) => node.namedChildren[0]?.text === name);
    if (found === undefined) throw new Error(`${this.path}: no ${kind} ${name}`);
    return found;
  }

  /** Every resource declared in the file, nested ones included, with its type and (possible) condition. */
  resources(): { name: string; type: string; condition: Node | null; body: Node }[] {
    return this.root.descendantsOfType("resource_declaration").flatMap((node) => {
      if (node === null) return [];
      const [name, type, rest] = node.namedChildren;
      if (name == null || type == null || rest == null) return [];
      const condition = rest.type === "if_statement" ? (rest.namedChildren[0] ?? null) : null;
      const body = rest.type === "if_statement" ? rest.namedChildren[1] : rest;
      return body == null ? [] : [{ name: name.text, type: stringText(type), condition, body }];
    });
  }
}

/** Evaluates Bicep expressions of one file with the given parameter values (and the file's own defaults and vars). */
export class Evaluator {
  private readonly values = new Map<string, Value>();

  constructor(
    private readonly file: BicepFile,
    params: Record<string, Value>,
  ) {
    for (const decl of file.declarations("parameter_declaration")) {
      const name = decl.namedChildren[0]?.text ?? "";
      const fallback = decl.namedChildren[2];
      if (name in params) this.values.set(name, params[name] ?? null);
      else if (fallback != null) this.values.set(name, this.evaluate(fallback));
    }
  }

  variable(name: string): Value {
    return this.evaluate(this.expressionOf(this.file.declaration("variable_declaration", name)));
  }

  /** The value of a top-level declaration's expression (a variable, an output, a resource or module body). */
  expressionOf(decl: Node): Node {
    const last = decl.namedChildren[decl.namedChildren.length - 1];
    if (last == null) throw new Error(`empty declaration ${decl.text}`);
    return last;
  }

  evaluate(node: Node): Value {
    switch (node.type) {
      case "string":
        return node.namedChildren
          .map((part) => {
            if (part === null) return "";
            if (part.type === "interpolation") return asText(this.evaluate(part.namedChildren[0] ?? part));
            if (part.type === "escape_sequence") return part.text.slice(1);
            return part.text;
          })
          .join("");
      case "number":
        return Number(node.text);
      case "boolean":
        return node.text === "true";
      case "null":
        return null;
      case "identifier":
        return this.lookup(node.text);
      case "parenthesized_expression":
        return this.evaluate(this.only(node));
      case "array":
        return node.namedChildren
          .filter((n): n is Node => n !== null && n.type !== "comment")
          .map((n) => this.evaluate(n));
      case "object":
        return Object.fromEntries(
          node.namedChildren
            // Nested child resources are declarations of their own, not part of the parent's value.
            .filter((n): n is Node => n !== null && n.type === "object_property")
            .filter((property) => property.namedChildren[0]?.type !== "resource_declaration")
            .map((property) => {
              const [key, value] = property.namedChildren;
              if (key == null || value == null) throw new Error(`odd property ${property.text}`);
              return [key.type === "identifier" ? key.text : asText(this.evaluate(key)), this.evaluate(value)];
            }),
        );
      case "ternary_expression": {
        const condition = node.childForFieldName("condition");
        const chosen = condition !== null && this.evaluate(condition) === true ? "consequence" : "alternative";
        const branch = node.childForFieldName(chosen);
        if (branch === null) throw new Error(`odd ternary ${node.text}`);
        return this.evaluate(branch);
      }
      case "unary_expression": {
        const argument = node.childForFieldName("argument") ?? this.only(node);
        return !this.truthy(this.evaluate(argument));
      }
      case "binary_expression":
        return this.binary(node);
      case "subscript_expression": {
        const object = node.childForFieldName("object");
        const index = node.childForFieldName("index");
        if (object === null || index === null) throw new Error(`odd subscript ${node.text}`);
        const container = this.evaluate(object);
        const key = this.evaluate(index);
        if (Array.isArray(container) && typeof key === "number") return container[key] ?? null;
        if (isRecord(container) && typeof key === "string") {
          if (!(key in container)) throw new Error(`${node.text}: no key ${key}`);
          return container[key] ?? null;
        }
        return `<${node.text}>`;
      }
      case "call_expression":
        return this.call(node);
      case "member_expression": {
        const object = node.childForFieldName("object");
        const property = node.childForFieldName("property")?.text ?? "";
        const container = object === null ? null : this.evaluate(object);
        return isRecord(container) && property in container ? (container[property] ?? null) : `<${node.text}>`;
      }
      case "for_statement":
        return this.loop(node);
      default:
        // Module outputs, resource properties, environment().…: known only at deployment.
        return `<${node.text}>`;
    }
  }

  /** `[for x in items: if (cond) { … }]`: the bodies of the items whose condition holds. */
  private loop(node: Node): Value {
    const variable = node.childForFieldName("initializer")?.text ?? "";
    const body = node.childForFieldName("body");
    const iterable = node.namedChildren.find((n) => n !== null && n.id !== body?.id && n.type !== "identifier");
    if (body === null || iterable == null) throw new Error(`odd loop ${node.text}`);
    const items = this.evaluate(iterable);
    if (!Array.isArray(items)) return `<${node.text}>`;
    return items.flatMap((item) =>
      this.bound(variable, item, () => {
        if (body.type !== "if_statement") return [this.evaluate(body)];
        const [condition, object] = body.namedChildren;
        if (condition == null || object == null) throw new Error(`odd loop body ${body.text}`);
        return this.truthy(this.evaluate(condition)) ? [this.evaluate(object)] : [];
      }),
    );
  }

  private bound<T>(name: string, value: Value, run: () => T): T {
    const had = this.values.has(name);
    const previous = this.values.get(name);
    this.values.set(name, value);
    try {
      return run();
    } finally {
      if (had) this.values.set(name, previous ?? null);
      else this.values.delete(name);
    }
  }

  private call(node: Node): Value {
    const name = node.childForFieldName("function")?.text ?? "";
    const argNodes = (node.namedChildren.find((n) => n?.type === "arguments")?.namedChildren ?? []).filter(
      (n): n is Node => n !== null,
    );
    if (name === "map") {
      const [items, lambda] = argNodes;
      const list = items === undefined ? null : this.evaluate(items);
      const [parameter, body] = lambda?.namedChildren ?? [];
      if (!Array.isArray(list) || parameter == null || body == null) return `<${node.text}>`;
      return list.map((item) => this.bound(parameter.text, item, () => this.evaluate(body)));
    }
    const args = argNodes.map((n) => this.evaluate(n));
    switch (name) {
      case "flatten":
        return Array.isArray(args[0]) ? args[0].flatMap((inner) => (Array.isArray(inner) ? inner : [inner])) : null;
      case "subscriptionResourceId":
        return `/subscriptions/<subscription>/providers/${args.map(asText).join("/")}`;
      case "empty":
        return (
          args[0] === "" ||
          args[0] === null ||
          (Array.isArray(args[0]) && args[0].length === 0) ||
          (isRecord(args[0]) && Object.keys(args[0]).length === 0)
        );
      case "union":
        return Object.assign({}, ...args.filter(isRecord)) as Value;
      case "string":
        return asText(args[0] ?? null);
      case "padLeft":
        return asText(args[0] ?? "").padStart(Number(args[1]), asText(args[2] ?? " "));
      default:
        return `<${node.text}>`;
    }
  }

  private binary(node: Node): Value {
    const [left, right] = node.namedChildren;
    const operator = node.children.find((c) => c !== null && !c.isNamed)?.text;
    if (left == null || right == null) throw new Error(`odd expression ${node.text}`);
    const a = this.evaluate(left);
    const b = this.evaluate(right);
    switch (operator) {
      case "==":
        return a === b;
      case "!=":
        return a !== b;
      case "&&":
        return this.truthy(a) && this.truthy(b);
      case "||":
        return this.truthy(a) || this.truthy(b);
      default:
        return `<${node.text}>`;
    }
  }

  private lookup(name: string): Value {
    if (this.values.has(name)) return this.values.get(name) ?? null;
    const variable = this.file.declarations("variable_declaration").find((d) => d.namedChildren[0]?.text === name);
    if (variable !== undefined) {
      const value = this.evaluate(this.expressionOf(variable));
      this.values.set(name, value);
      return value;
    }
    return `<${name}>`;
  }

  private truthy(value: Value): boolean {
    if (typeof value !== "boolean") throw new Error(`not a boolean: ${JSON.stringify(value)}`);
    return value;
  }

  private only(node: Node): Node {
    const child = node.namedChildren[0];
    if (child == null) throw new Error(`empty ${node.type}`);
    return child;
  }
}

/** A value as Bicep's string() would print it: strings as they are, everything else as JSON. */
export function asText(value: Value): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function isRecord(value: Value | undefined): value is { [key: string]: Value } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringText(node: Node): string {
  return node.namedChildren.map((n) => n?.text ?? "").join("");
}
