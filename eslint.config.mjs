// One lint for the whole tree (flat config). The layer rules below are the architecture's import
// rules made errors: functions never import the local cloud or another function's folder, the
// domain core imports nothing of ours nor any platform, the client takes the domain's schemas as
// types only (its pure rules and calendar it may run), and the local cloud's layers import downward
// only, each other only through their doors (index.ts).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const LOCAL_CLOUD = {
  regex: '(^|/)local-cloud(/|$)',
  message: 'Cloud functions and the client never import the local cloud: it only replaces the SDK transport.',
};

/**
 * The functions' common code, lowest first: platform/ (no domain), then the domains in this order,
 * each entered only through its index.ts and importing only the domains before it; jobs/ on top.
 */
const DOMAINS = ['members', 'messages', 'tiers', 'points', 'coupons', 'engagement', 'referral', 'orders', 'lifecycle', 'crm'];
const alt = (names) => (names.length ? `(${names.join('|')})` : '(?!)');
// The local cloud's layers, in their one downward order: a file in local-cloud/<layer>/ imports its own layer
// and the layers before it, and those only through their index.ts (`../store`, never `../store/checkpointer`).
const LOCAL_CLOUD_LAYERS = ['store', 'database', 'runtime', 'services', 'server', 'tools'];
const LOCAL_CLOUD_ORDER = LOCAL_CLOUD_LAYERS.join(' → ');

function localCloudLayerRules(layer, i) {
  const later = LOCAL_CLOUD_LAYERS.slice(i + 1);
  const allowed = LOCAL_CLOUD_LAYERS.slice(0, i + 1);
  const patterns = [
    {
      regex: `^\\.\\./(${allowed.join('|')})/(?!(index)?$)`,
      message: `Import a local-cloud layer through its door (\`../<layer>\`, its index.ts), never a file inside it.`,
    },
    { regex: '^(\\.\\./)+local-cloud(/|$)', message: 'Inside the local cloud, import another layer as `../<layer>`.' },
  ];
  if (later.length > 0) {
    patterns.unshift({
      regex: `^\\.\\./(${later.join('|')})(/|$)`,
      message: `local-cloud/${layer} never imports a later layer (${later.join(', ')}): the order is ${LOCAL_CLOUD_ORDER}.`,
    });
  }
  return { files: [`local-cloud/${layer}/**/*.ts`], rules: { 'no-restricted-imports': ['error', { patterns }] } };
}

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'test-artifacts/**',
      '.data/**',
      'client/native/**',
      '**/*.config.js',
      'babel.config.js',
      'jest.config.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['cloudfunctions/*/**/*.ts'],
    ignores: ['cloudfunctions/_lib/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            LOCAL_CLOUD,
            {
              regex: `^\\.\\./(?!_lib/(platform/[^/]+|${alt(DOMAINS)}|jobs)$|\\.\\./shared(/|$))`,
              message:
                "A function imports its own folder, shared/, cloudfunctions/_lib/platform/<file> and a domain only through its door (../_lib/<domain>); never another function's folder or a domain's inside.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['cloudfunctions/_lib/platform/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            LOCAL_CLOUD,
            {
              regex: '^\\.\\./(?!\\.\\./\\.\\./shared(/|$))',
              message: 'platform/ is the bottom layer: it imports shared/ and itself, never a domain, jobs/ or a function.',
            },
          ],
        },
      ],
    },
  },
  // A domain imports platform files, its own files, and only the doors (index.ts) of the domains below it.
  ...DOMAINS.map((domain, i) => ({
    files: [`cloudfunctions/_lib/${domain}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            LOCAL_CLOUD,
            {
              regex: `^\\.\\./(?!platform/[^/]+$|${alt(DOMAINS.slice(0, i))}$|\\.\\./\\.\\./shared(/|$))`,
              message: `The domains stand in one order (${DOMAINS.join(' → ')}): ${domain} imports platform/, its own files and only the doors of ${i ? DOMAINS.slice(0, i).join(', ') : 'no domain'} (../<domain>, never a file inside one).`,
            },
          ],
        },
      ],
    },
  })),
  {
    files: ['cloudfunctions/_lib/jobs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            LOCAL_CLOUD,
            {
              regex: `^\\.\\./(?!platform/[^/]+$|${alt(DOMAINS)}$|\\.\\./\\.\\./shared(/|$))`,
              message: 'jobs/ is the one place that knows every domain: it imports platform/ files and domain doors (../<domain>) only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^\\.\\./\\.\\.', message: 'shared/ is the domain core: it imports nothing of ours outside shared/.' },
            { regex: '^(node:|fs$|path$|crypto$|http$|os$|child_process$)', message: 'shared/ is pure: no I/O, no Node APIs.' },
            { regex: '^(wx-server-sdk|@tarojs/|react)', message: 'shared/ is platform-free.' },
          ],
        },
      ],
    },
  },
  // Type-aware rules: a promise nobody awaits loses its error (a write that fails silently), and a
  // switch over a union that misses a member falls through to nothing when the union grows.
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  ...LOCAL_CLOUD_LAYERS.map(localCloudLayerRules),
  {
    files: ['client/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // The React Compiler's stricter rules do not fit Taro pages (effects that load on show).
      'react-hooks/set-state-in-effect': 'off',
      'react-hooks/refs': 'off',
      'react-hooks/immutability': 'off',
      'react-hooks/purity': 'off',
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            LOCAL_CLOUD,
            { regex: '(^|/)cloudfunctions(/|$)|^wx-server-sdk$', message: 'The client calls functions through client/src/api only.' },
            {
              regex: '^@shared/(schemas|contracts|contract|envelope|errors)(/|$)',
              allowTypeImports: true,
              message: 'The client takes shared schemas and contracts as types only (`import type`); it may run shared/rules and shared/calendar.',
            },
          ],
        },
      ],
    },
  },
);
