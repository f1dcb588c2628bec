import { ERROR_MESSAGES, isAppError } from '../../../shared/errors';
import { fail, type Fail } from '../../../shared/envelope';
import { isTransactionConflict, isTransient } from './db';
import { log } from './log';

/**
 * The one mapping from a thrown error to the envelope's failure, shared by the router (every
 * action of every function) and the `pos` HTTP endpoint (which adds its status code):
 * - an `AppError` is answered as it is (its stable code, message and details);
 * - a fault that outlived the helpers' bounded retries is the platform's, not a bug: a transient
 *   fault is UNAVAILABLE, a transaction conflict CONFLICT (both: the caller tries again later);
 * - anything else is logged with its detail under `tag` and answered INTERNAL, without internals.
 */
export function failureOf(e: unknown, tag: string): Fail {
  if (isAppError(e)) return fail(e.code, e.message, e.details);
  if (isTransient(e)) return fail('UNAVAILABLE', ERROR_MESSAGES.UNAVAILABLE);
  if (isTransactionConflict(e)) return fail('CONFLICT', ERROR_MESSAGES.CONFLICT);
  log.error(`[${tag}] unhandled error`, e);
  return fail('INTERNAL', ERROR_MESSAGES.INTERNAL);
}
