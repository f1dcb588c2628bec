import type { Migration } from '../_lib/platform/migrations';
import { baseline } from './migration-0001-baseline';

/** Every migration, in the order the deploy runs them (by number): append, never reorder or rename. */
export const MIGRATIONS: readonly Migration[] = [baseline];
