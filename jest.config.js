/** One jest run, five projects: unit, integration, conformance (node), component (jsdom), e2e (browser). */
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
module.exports = {
  testTimeout: 30000,
  projects: [
    node('unit'),
    node('integration'),
    node('conformance'),
    node('e2e', { globalSetup: '<rootDir>/tests/support/e2e-setup.ts', globalTeardown: '<rootDir>/tests/support/e2e-teardown.ts' }),
    { ...node('component'), testEnvironment: 'jsdom' },
  ],
};
