import type { Result } from '@shared/envelope'
import type { InputOf, ResultOf } from '@shared/contract'
import type { Contracts, FunctionName } from '@shared/contracts'
import { personMessage } from '@shared/rules/error-text'
import { callFunction } from './call'

type ActionOf<F extends FunctionName> = keyof Contracts[F] & string
type Input<F extends FunctionName, A extends ActionOf<F>> = InputOf<Contracts[F], A>
/** Actions whose input has no required field may be called without one. */
type InputArg<F extends FunctionName, A extends ActionOf<F>> = Record<string, never> extends Input<F, A> ? [input?: Input<F, A>] : [input: Input<F, A>]

/**
 * The one typed way to call a cloud function: `call('points', 'recordOrder', input)` answers the
 * envelope with the result type the function's contract (`shared/contracts`) declares. Never throws.
 * A failure's message is what a person reads: what happened, then what to do next (`personMessage`).
 */
export async function call<F extends FunctionName, A extends ActionOf<F>>(
  fn: F,
  action: A,
  ...args: InputArg<F, A>
): Promise<Result<ResultOf<Contracts[F], A>>> {
  const input = (args[0] ?? {}) as Record<string, unknown>
  const res = await callFunction<ResultOf<Contracts[F], A>>(fn, { ...input, action })
  return res.ok ? res : { ...res, message: personMessage(res.code, res.message) }
}
