import path from 'node:path';
import { defineConfig } from '@tarojs/cli';
import type { IProjectConfig } from '@tarojs/taro/types/compile';
import devConfig from './dev';
import prodConfig from './prod';

const root = path.resolve(__dirname, '..');
const sharedDir = path.join(root, 'shared');

/**
 * NutUI React Taro is drawn at a 375 design width, our own styles at 750 (rpx).
 * Taro's documented function form picks the width per source file.
 */
/**
 * Taro's persistent cache lists `src/app.config` as a build dependency (hard-coded) and merges
 * arrays, so the list is replaced here: the cache is dropped whenever config or app config change.
 */
const cacheBuildDependencies = {
  config: [path.join(__dirname, 'index.ts'), path.join(__dirname, 'dev.ts'), path.join(__dirname, 'prod.ts')],
  files: [path.join(root, 'client/src/app.config.ts'), path.join(root, 'babel.config.js')],
};
type Chain = Parameters<NonNullable<NonNullable<IProjectConfig<'webpack5'>['mini']>['webpackChain']>>[0];
function useOwnCacheDependencies(chain: Chain): void {
  const cache = chain.get('cache') as unknown;
  if (cache && typeof cache === 'object') {
    chain.cache({ ...(cache as object), buildDependencies: cacheBuildDependencies } as never);
  }
}

const designWidth: IProjectConfig<'webpack5'>['designWidth'] = (input) =>
  typeof input === 'object' && (input?.file?.replace(/\\+/g, '/').indexOf('@nutui') ?? -1) > -1 ? 375 : 750;

// https://docs.taro.zone/docs/config
export default defineConfig<'webpack5'>(async (merge) => {
  const isWeapp = process.env.TARO_ENV === 'weapp';
  const baseConfig: IProjectConfig<'webpack5'> = {
    projectName: 'huiyuan-membership',
    date: '2025-1-1',
    designWidth,
    deviceRatio: {
      640: 2.34 / 2,
      750: 1,
      375: 2,
      828: 1.81 / 2,
    },
    sourceRoot: 'client/src',
    // weapp and H5 must not wipe each other's output.
    outputRoot: `dist/${process.env.TARO_ENV}`,
    plugins: [],
    defineConstants: {},
    alias: {
      '@shared': sharedDir,
      '@': path.join(root, 'client/src'),
    },
    copy: {
      // The native mini-program component only exists in the weapp build.
      patterns: isWeapp ? [{ from: 'client/native/', to: 'dist/weapp/native/' }] : [],
      options: {},
    },
    framework: 'react',
    compiler: 'webpack5',
    cache: {
      enable: true,
    },
    mini: {
      // shared/ lives outside sourceRoot: compile its TypeScript too.
      compile: { include: [sharedDir] },
      webpackChain: useOwnCacheDependencies,
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
    },
    h5: {
      publicPath: '/',
      staticDirectory: 'static',
      router: { mode: 'browser' },
      compile: { include: [sharedDir] },
      webpackChain(chain) {
        useOwnCacheDependencies(chain);
        // A phone-sized app served by the local cloud: webpack's desktop size hints are noise.
        chain.performance.hints(false);
      },
      output: {
        filename: 'js/[name].[contenthash:8].js',
        chunkFilename: 'js/[name].[contenthash:8].js',
      },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash:8].css',
        chunkFilename: 'css/[name].[contenthash:8].css',
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
    },
  };

  if (process.env.NODE_ENV === 'development') {
    return merge({}, baseConfig, devConfig);
  }
  return merge({}, baseConfig, prodConfig);
});
