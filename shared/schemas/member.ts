import { z } from 'zod';
import { points, instant } from './common';

export const tierIdSchema = z.string().min(1).max(32);

/** `members` collection. `_id` is the member id (card number); OPENID is unique but never the key. */
export const memberDocSchema = z.object({
  _id: z.string(),
  openid: z.string().min(1),
  cardNo: z.string(),
  nickname: z.string().max(32),
  avatarUrl: z.string().max(512).default(''),
  tierId: tierIdSchema,
  growth: points.nonnegative(),
  points: z.object({ available: points, pending: points.nonnegative() }),
  registeredAt: instant,
  updatedAt: instant,
  source: z.enum(['miniprogram', 'pos', 'import']).default('miniprogram'),
});
export type MemberDoc = z.infer<typeof memberDocSchema>;

/** `member` function requests. */
export const memberRequests = {
  getCard: z.object({}).strict(),
} as const;

/** What the member card page shows. */
export const memberCardSchema = z.object({
  memberId: z.string(),
  cardNo: z.string(),
  nickname: z.string(),
  avatarUrl: z.string(),
  tier: z.object({ id: z.string(), name: z.string(), color: z.string() }),
  nextTier: z.object({ id: z.string(), name: z.string(), growthNeeded: points }).nullable(),
  growth: points,
  points: z.object({ available: points, pending: points, expiringSoon: points }),
  registeredAt: z.string(),
  isNew: z.boolean(),
});
export type MemberCard = z.infer<typeof memberCardSchema>;
