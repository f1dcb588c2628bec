import { z } from 'zod';

/** Points and money are whole numbers; money in fen. */
export const points = z.number().int();
export const fen = z.number().int().nonnegative();
/** A Shanghai business date, `YYYY-MM-DD`. */
export const businessDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');
export const instant = z.date();
