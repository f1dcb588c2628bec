/**
 * Five projects run by default: unit, integration, conformance (node), component (jsdom), e2e (browser).
 * A sixth, soak (tests/soak: the soak-sized runs under faults), runs only when selected
 * (`npm run test:soak`, which `npm test` runs after the default run): `jest --ci` stays fast.
 */
const transform = {
  '^.+\\.(t|j)sx?$': [
    '@swc/jest',
    { jsc: { parser: { syntax: 'typescript', tsx: true }, target: 'es2022', transform: { react: { runtime: 'automatic' } } }, module: { type: 'commonjs' } },
  ],
};
const node = (name, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  transform,
  testMatch: [`<rootDir>/tests/${name}/**/*.test.ts`],
  ...extra,
});
// The soak project exists only when asked for: by `--selectProjects soak`, or by naming a file under tests/soak.
const argv = process.argv.slice(2);
const soakAsked = argv.some((a) => a === 'soak' || a === '--selectProjects=soak' || a.includes('tests/soak'));
module.exports = {
  testTimeout: 30000,
  // Two workers on this 2-core machine: jest's default (cores − 1) leaves one core idle while a suite
  // waits on its local cloud or browser (the whole default run used about 1.06 cores).
  maxWorkers: 2,
  projects: [
    node('unit'),
    node('integration'),
    node('conformance'),
    node('e2e', { globalSetup: '<rootDir>/tests/support/e2e-setup.ts', globalTeardown: '<rootDir>/tests/support/e2e-teardown.ts' }),
    { ...node('component'), testEnvironment: 'jsdom' },
    ...(soakAsked ? [node('soak')] : []),
  ],
};
