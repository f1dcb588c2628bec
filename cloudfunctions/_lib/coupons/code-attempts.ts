/**
 * A clerk's wrong coupon codes, counted per window (`code_attempts/<openid>:<window>`): past
 * `WRONG_CODE_LIMIT` in a window, the clerk's code checks answer TOO_MANY_ATTEMPTS until the window
 * ends, right codes included (a code guessed after a run of wrong ones is a guess). One read per
 * check; a write only for a wrong code.
 */
import { AppError } from '../../../shared/errors';
import type { CodeAttemptDoc } from '../../../shared/schemas/stores';
import { database } from '../platform/cloud';
import { getById, isDuplicateKey, withRetry } from '../platform/db';

export const WRONG_CODE_LIMIT = 10;
const WRONG_CODE_WINDOW_MS = 10 * 60_000;

const windowOf = (now: Date) => Math.floor(now.getTime() / WRONG_CODE_WINDOW_MS);
const attemptId = (openid: string, now: Date) => `${openid}:${windowOf(now)}`;

/** TOO_MANY_ATTEMPTS when `openid` entered `WRONG_CODE_LIMIT` wrong codes in this window. */
export async function requireCodeAttemptsLeft(openid: string, now: Date): Promise<void> {
  const doc = await getById<CodeAttemptDoc>('code_attempts', attemptId(openid, now));
  if (doc && doc.wrong >= WRONG_CODE_LIMIT) {
    const minutes = Math.ceil(((windowOf(now) + 1) * WRONG_CODE_WINDOW_MS - now.getTime()) / 60_000);
    throw new AppError('TOO_MANY_ATTEMPTS', `券码错误次数过多，请 ${minutes} 分钟后再试`);
  }
}

/** Counts one wrong code (an increment, so concurrent ones all count). */
export async function countWrongCode(openid: string, now: Date): Promise<void> {
  const id = attemptId(openid, now);
  const inc = async () => {
    const res = (await database()
      .collection('code_attempts')
      .doc(id)
      .update({ data: { wrong: database().command.inc(1) } })) as { stats?: { updated?: number } };
    return res.stats?.updated ?? 0;
  };
  await withRetry(async () => {
    if ((await inc()) > 0) return;
    try {
      await database()
        .collection('code_attempts')
        .add({ data: { _id: id, openid, window: windowOf(now), wrong: 1 } });
    } catch (e) {
      // Another wrong code created it first: count on it.
      if (!isDuplicateKey(e)) throw e;
      await inc();
    }
  });
}
