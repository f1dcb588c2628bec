import { z } from 'zod';
import { instant } from './common';

/**
 * Stores and the people who work in them. One deployment is one brand (docs/deploy.md): every store
 * belongs to it, so no document carries a merchant id.
 */

/** `stores/<storeId>`. */
export const storeDocSchema = z
  .object({
    _id: z.string(),
    name: z.string(),
    city: z.string().optional(),
    address: z.string().optional(),
    /** the POS key's generation: 重置 moves it on, so a leaked secret stops working at once */
    posKeyGeneration: z.number().int().nonnegative().optional(),
    posKeyResetAt: instant.optional(),
    posKeyResetBy: z.string().optional(),
  })
  .strict();

/** `roles/<OPENID>`: rights come from here, never from the client. */
export const roleDocSchema = z
  .object({
    _id: z.string(),
    openid: z.string(),
    role: z.enum(['staff', 'merchant']),
    name: z.string(),
    storeId: z.string().optional(),
    /** a staff member who may undo the store's verifications */
    storeManager: z.boolean().optional(),
  })
  .strict();
export type RoleDoc = z.infer<typeof roleDocSchema>;

/** `code_attempts/<openid>:<window>`: wrong coupon codes one clerk entered in a window (the rate limit). */
export const codeAttemptDocSchema = z.object({ _id: z.string(), openid: z.string(), window: z.number().int(), wrong: z.number().int().nonnegative() }).strict();
export type CodeAttemptDoc = z.infer<typeof codeAttemptDocSchema>;

/** `store_hours/<storeId>:<YYYYMMDDHH>`: orders recorded in a store's hour (the store velocity signal). */
export const storeHourDocSchema = z
  .object({
    _id: z.string(),
    storeId: z.string(),
    hour: z.string().regex(/^\d{10}$/),
    orders: z.number().int().nonnegative(),
  })
  .strict();
export type StoreHourDoc = z.infer<typeof storeHourDocSchema>;

/** `pos_nonces/<storeId>:<nonce>`: a POS request's nonce, claimed in the order's transaction. */
export const posNonceDocSchema = z
  .object({
    _id: z.string(),
    expiresAt: instant,
    /** the invocation that claimed it: our own retry after a lost reply is not a reuse */
    invocation: z.string(),
    /** what the request did (the order id) */
    ref: z.string(),
  })
  .strict();
