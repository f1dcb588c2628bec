import { typedRuleMessages } from '../support/lint-imports';

/**
 * The type-aware rules bite (eslint.config.mjs): a promise nobody awaits (a write whose failure
 * nobody sees) and a switch over a union that misses a member are errors, in the functions, the local cloud and the client.
 */
const FLOATING = `async function save(): Promise<number> {
  return 1;
}
export function handler(): void {
  save();
}
`;
const AWAITED = `async function save(): Promise<number> {
  return 1;
}
export async function handler(): Promise<void> {
  await save();
  void save();
}
`;
const PARTIAL_SWITCH = `export function label(kind: 'earn' | 'spend'): string {
  switch (kind) {
    case 'earn':
      return '获得';
  }
  return '';
}
`;
const RULES = 'no-floating-promises|switch-exhaustiveness-check';
const CASES = {
  functionFloating: ['cloudfunctions/_lib/platform/lint-probe-floating.ts', FLOATING],
  functionAwaited: ['cloudfunctions/_lib/platform/lint-probe-awaited.ts', AWAITED],
  clientFloating: ['client/src/lint-probe-floating.ts', FLOATING],
  localCloudSwitch: ['local-cloud/store/lint-probe-switch.ts', PARTIAL_SWITCH],
} as const;

let found: Record<keyof typeof CASES, string[]>;
beforeAll(() => {
  found = typedRuleMessages(RULES, CASES);
}, 120_000);

describe('type-aware lint', () => {
  it('refuses a floating promise in the functions and the client, and accepts an awaited or voided one', () => {
    expect(found.functionFloating).toHaveLength(1);
    expect(found.functionFloating[0]).toMatch(/Promises must be awaited/);
    expect(found.clientFloating).toHaveLength(1);
    expect(found.functionAwaited).toEqual([]);
  });
  it('refuses a switch that misses a member of its union', () => {
    expect(found.localCloudSwitch).toEqual([expect.stringMatching(/Cases not matched: "spend"/)]);
  });
});
