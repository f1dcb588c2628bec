import { getById } from '../platform/db';

/**
 * Store names for ledger reasons, cached per function instance: a name changes rarely and only
 * decorates a reason text, so a minute-old name is fine and saves a billed read per order.
 */
const TTL_MS = 60_000;
const names = new Map<string, { name: string | undefined; at: number }>();

export async function storeName(storeId: string): Promise<string | undefined> {
  const hit = names.get(storeId);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.name;
  const store = await getById<{ name?: string }>('stores', storeId);
  names.set(storeId, { name: store?.name, at: Date.now() });
  return store?.name;
}
