/**
 * Just enough of Kubernetes' protobuf wire format to read what kubectl sends as protobuf without asking
 * (`kubectl create namespace|configmap`: typed clients prefer protobuf, and kubectl does not retry in JSON after a
 * 415). The envelope is the 4-byte magic "k8s\0" and a runtime.Unknown {1: typeMeta, 2: raw}; the object's fields
 * follow generated.proto: ObjectMeta {1 name, 2 generateName, 3 namespace, 11 labels, 12 annotations}, ConfigMap
 * {1 metadata, 2 data, 3 binaryData, 4 immutable}, Namespace {1 metadata, 2 spec, 3 status}.
 */
import type { KubeObject } from "./model.js";

type Field = { number: number; bytes?: Buffer; varint?: number };

function fields(buffer: Buffer): Field[] {
  const out: Field[] = [];
  let at = 0;
  const varint = (): number => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = buffer[at] ?? 0;
      at += 1;
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
      shift += 7;
    }
  };
  while (at < buffer.length) {
    const key = varint();
    const number = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) out.push({ number, varint: varint() });
    else if (wire === 2) {
      const length = varint();
      out.push({ number, bytes: buffer.subarray(at, at + length) });
      at += length;
    } else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
  return out;
}

const text = (field: Field | undefined) => field?.bytes?.toString("utf8");

function stringMap(entries: Field[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const entry of entries) {
    const inner = fields(entry.bytes ?? Buffer.alloc(0));
    map[text(inner.find((f) => f.number === 1)) ?? ""] = text(inner.find((f) => f.number === 2)) ?? "";
  }
  return map;
}

function objectMeta(buffer: Buffer): Record<string, unknown> {
  const meta = fields(buffer);
  const pick = (n: number) => text(meta.find((f) => f.number === n));
  const labels = stringMap(meta.filter((f) => f.number === 11));
  const annotations = stringMap(meta.filter((f) => f.number === 12));
  return {
    ...(pick(1) === undefined ? {} : { name: pick(1) }),
    ...(pick(2) === undefined ? {} : { generateName: pick(2) }),
    ...(pick(3) === undefined ? {} : { namespace: pick(3) }),
    ...(Object.keys(labels).length === 0 ? {} : { labels }),
    ...(Object.keys(annotations).length === 0 ? {} : { annotations }),
  };
}

/** The JSON form of a protobuf-encoded Namespace or ConfigMap, or null for anything else. */
export function decodeProtobuf(body: Buffer): KubeObject | null {
  if (body.length < 4 || body.subarray(0, 4).toString("latin1") !== "k8s\u0000") return null;
  const unknown = fields(body.subarray(4));
  const typeMeta = fields(unknown.find((f) => f.number === 1)?.bytes ?? Buffer.alloc(0));
  const kind = text(typeMeta.find((f) => f.number === 2));
  const apiVersion = text(typeMeta.find((f) => f.number === 1)) ?? "v1";
  const raw = fields(unknown.find((f) => f.number === 2)?.bytes ?? Buffer.alloc(0));
  const metadata = objectMeta(raw.find((f) => f.number === 1)?.bytes ?? Buffer.alloc(0));
  if (kind === "Namespace") return { apiVersion, kind, metadata } as unknown as KubeObject;
  if (kind === "ConfigMap") {
    const data = stringMap(raw.filter((f) => f.number === 2));
    return { apiVersion, kind, metadata, ...(Object.keys(data).length === 0 ? {} : { data }) } as unknown as KubeObject;
  }
  return null;
}
