/**
 * Pages whose code cannot load say so. WeChat reports a subpackage that fails to load through
 * `navigateTo`'s failure (see navigation.ts); the H5 build loads pages as chunks, whose failure
 * surfaces as an unhandled rejection (chunk-errors.h5.ts). Nothing to install here.
 */
export function reportFailedPageLoads(): void {}
