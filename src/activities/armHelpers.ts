import { isNotFound } from "../azure/serviceFailure.js";

/** GET that treats 404 as "not there yet", the starting point of every ensure-operation. */
export async function getOrNull<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (isNotFound(error)) {
      return null;
    }
    throw error;
  }
}

export async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of pages) {
    items.push(item);
  }
  return items;
}

/** Role-assignment APIs take a scope without the leading slash (as the REST examples do); ARM ids start with one. */
export function scopePath(armId: string): string {
  return armId.replace(/^\/+/, "");
}

/**
 * The subscription an ARM id belongs to: role assignments and role definitions live in their scope's subscription,
 * which for a VNet given by id may not be the run's.
 */
export function subscriptionOf(armId: string, fallback: string): string {
  return /^\/?subscriptions\/([^/]+)/i.exec(armId)?.[1] ?? fallback;
}
