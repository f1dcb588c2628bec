/**
 * Fault injection for the local transport, so tests can prove every caller is retry-safe.
 * `LOCAL_CLOUD_FAULTS="conflict:0.2,transient:0.05,lostReply:0.02,seed:42"`:
 * - conflict: share of transactional writes (and commits) answered DATABASE_TRANSACTION_CONFLICT;
 * - transient: share of requests that fail before doing anything (a timeout the caller may retry);
 * - lostReply: share of non-transactional writes and commits that are applied, but whose answer is
 *   lost (the caller sees a timeout and cannot know the write happened: idempotency keys must hold).
 */
export interface FaultConfig {
  conflict: number;
  transient: number;
  lostReply: number;
  seed?: number;
}

const NO_FAULTS: FaultConfig = { conflict: 0, transient: 0, lostReply: 0 };

export function parseFaults(spec: string | undefined): FaultConfig {
  const config: FaultConfig = { ...NO_FAULTS };
  if (!spec) return config;
  for (const part of spec.split(',')) {
    const [rawKey, rawValue] = part.split(/[:=]/).map((s) => s.trim());
    if (!rawKey) continue;
    const value = Number(rawValue);
    if (!Number.isFinite(value) || value < 0) throw new Error(`LOCAL_CLOUD_FAULTS: bad value for ${rawKey}: ${rawValue}`);
    if (rawKey === 'seed') config.seed = value;
    else if (rawKey === 'conflict' || rawKey === 'transient' || rawKey === 'lostReply') {
      if (value > 1) throw new Error(`LOCAL_CLOUD_FAULTS: ${rawKey} is a share between 0 and 1`);
      config[rawKey] = value;
    } else throw new Error(`LOCAL_CLOUD_FAULTS: unknown fault ${rawKey}`);
  }
  return config;
}

/** mulberry32: a small seeded generator, so a failing fault run can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private readonly random: () => number;
  constructor(public config: FaultConfig = NO_FAULTS) {
    this.random = config.seed !== undefined ? seededRandom(config.seed) : Math.random;
  }
  private roll(rate: number): boolean {
    return rate > 0 && this.random() < rate;
  }
  conflict(): boolean {
    return this.roll(this.config.conflict);
  }
  transient(): boolean {
    return this.roll(this.config.transient);
  }
  lostReply(): boolean {
    return this.roll(this.config.lostReply);
  }
}
