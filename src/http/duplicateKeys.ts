/**
 * JSON.parse keeps the last of two equal keys, so `{"clusterName":"Bad Name!", …, "clusterName":"ok"}` would be
 * validated as the second while a log, a proxy or another parser may read the first. A body that names a key twice in
 * one object is refused instead; this finds the first such key in text JSON.parse already accepted.
 */

type Frame =
  { kind: "object"; keys: Set<string>; key: string; path: string } | { kind: "array"; index: number; path: string };

const join = (path: string, part: string | number) => (path === "" ? String(part) : `${path}.${part}`);

/** The dotted path of the first key repeated within one object (array items by index), or null. */
export function duplicateKeyPath(text: string): string | null {
  const stack: Frame[] = [];
  let expectKey = false;
  const valuePath = (): string => {
    const parent = stack.at(-1);
    if (parent === undefined) return "";
    return parent.kind === "object" ? join(parent.path, parent.key) : join(parent.path, parent.index);
  };
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      const top = stack.at(-1);
      if (expectKey && top?.kind === "object") {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys.has(key)) return join(top.path, key);
        top.keys.add(key);
        top.key = key;
        expectKey = false;
      }
      i = end;
    } else if (c === "{") {
      stack.push({ kind: "object", keys: new Set(), key: "", path: valuePath() });
      expectKey = true;
    } else if (c === "[") {
      stack.push({ kind: "array", index: 0, path: valuePath() });
    } else if (c === "}" || c === "]") {
      stack.pop();
      expectKey = false;
    } else if (c === ",") {
      const top = stack.at(-1);
      if (top?.kind === "object") expectKey = true;
      else if (top !== undefined) top.index += 1;
    }
  }
  return null;
}
