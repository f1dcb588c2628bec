import { z } from 'zod';

/**
 * Points and money are whole numbers; money in fen. Both are bounded well inside the safe integers
 * (2^53 ≈ 9×10^15), so no sum of amounts, balances or prices ever rounds: ¥10 billion, 10^12 points.
 */
export const MAX_FEN = 10 ** 12;
export const MAX_POINTS = 10 ** 12;
export const points = z.number().int().min(-MAX_POINTS).max(MAX_POINTS);
export const fen = z.number().int().nonnegative().max(MAX_FEN);

/** Prototype names: never a key of a map looked up with user data (they are found on every object). */
export const PROTOTYPE_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * A key of a map the merchant or a client writes (SKU and category multipliers, …): refused when it
 * would be read back as something else — an EJSON type (`$date`, `$numberLong`, `$oid`: any `$` key),
 * a field path (`.`), or a prototype name (`__proto__`, `constructor`, …).
 */
export const userMapKey = z
  .string()
  .min(1)
  .max(64)
  .refine((k) => !k.startsWith('$'), '键不能以 $ 开头（会被当作数据类型标记）')
  .refine((k) => !k.includes('.'), '键不能包含 .')
  .refine((k) => !PROTOTYPE_NAMES.has(k), '键不能是保留名（如 __proto__、constructor）');

/** An own property of a map keyed by user data, never an inherited one (`constructor`, `toString`, …). */
export function ownValue<V>(map: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}
/** A Shanghai business date, `YYYY-MM-DD`. */
export const businessDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');
export const instant = z.date();
