/** Small helpers for building and relating Kubernetes objects. */
import type { KubeObject } from "./model.js";

export function meta(name: string, namespace?: string, labels?: Record<string, string>): KubeObject["metadata"] {
  return {
    name,
    ...(namespace === undefined ? {} : { namespace }),
    ...(labels === undefined ? {} : { labels }),
    uid: "",
    resourceVersion: "",
    creationTimestamp: "",
  };
}

export function owner(object: KubeObject) {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    name: object.metadata.name,
    uid: object.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function ownedBy(object: KubeObject, parent: KubeObject): boolean {
  return (object.metadata.ownerReferences ?? []).some((ref) => ref.uid === parent.metadata.uid);
}

export function templateOf(object: KubeObject): {
  metadata?: { labels?: Record<string, string> };
  spec?: Record<string, unknown>;
} {
  return object.spec?.template ?? {};
}

export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
