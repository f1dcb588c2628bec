import type { z } from 'zod';

/**
 * One end-to-end contract per cloud function: each action's input schema (validated by the router)
 * and its result type (declared once, here in `shared/`, with ISO strings for instants). The
 * function's handlers, the client's `call` and the tests' `invoke` are all typed from it, so an
 * action name, an input field or a result field cannot drift between the three.
 */
/** Who may call an action whose callers are staff roles only: checked before its input is validated. */
type ActionRole = 'staff' | 'merchant';

export interface ActionSpec<I extends z.ZodTypeAny = z.ZodTypeAny, R = unknown> {
  readonly input: I;
  /**
   * The roles allowed, when only staff roles are: the router checks them before validating, so a
   * consumer's malformed call learns nothing of the input's shape (FORBIDDEN, not the fields).
   */
  readonly roles?: readonly ActionRole[];
  /** Phantom: carries the result type; never set at run time. */
  readonly result?: R;
}

/** `act(schema).returns<Result>()` declares one action; `act(schema, MERCHANT_ONLY)` one for the merchant alone. */
export function act<I extends z.ZodTypeAny>(input: I, access: { roles?: readonly ActionRole[] } = {}) {
  return {
    returns<R>(): ActionSpec<I, R> {
      return access.roles ? { input, roles: access.roles } : { input };
    },
  };
}

export const MERCHANT_ONLY = { roles: ['merchant'] } as const;

export type Contract = Record<string, ActionSpec>;

/** What a caller sends (zod input side: fields with defaults may be left out). */
export type InputOf<C extends Contract, A extends keyof C> = z.input<C[A]['input']>;
/** What the handler receives (after validation, defaults applied). */
export type ParsedInputOf<C extends Contract, A extends keyof C> = z.infer<C[A]['input']>;
export type ResultOf<C extends Contract, A extends keyof C> = C[A] extends ActionSpec<z.ZodTypeAny, infer R> ? R : never;
