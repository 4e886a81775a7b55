// One lint config for the whole tree: typescript-eslint for the plugin and its tests,
// Salesforce's LWC rules for the components under force-app.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import lwcRecommended from '@salesforce/eslint-config-lwc/recommended.js';
import jestPlugin from 'eslint-plugin-jest';
import globals from 'globals';
import importPlugin from 'eslint-plugin-import';
import sfPlugin from 'eslint-plugin-sf-plugin';
import { fixupPluginRules } from '@eslint/compat';
import prettierConfig from 'eslint-config-prettier';

export default [
  {
    ignores: [
      '**/node_modules/**',
      'plugin/lib/**',
      'emulators/*/lib/**',
      'tools/demo/lib/**',
      'tools/order-page/lib/**',
      'coverage/**',
      '**/.sfdx/**',
      '**/.sf/**',
      'test-results/**',
      '.tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended.map((c) => ({ ...c, files: ['**/*.ts', '**/*.mts'] })),
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  // Boundaries: no import cycles anywhere; the mapping core is pure and imports only itself; the shipped
  // plugin never imports an emulator or a tool (workspace package names resolve to their sources through
  // the root tsconfig's paths, so these zones see through them).
  {
    files: ['plugin/src/**/*.ts', 'emulators/*/src/**/*.ts', 'tools/demo/src/**/*.ts', 'tools/order-page/src/**/*.ts'],
    plugins: { import: importPlugin },
    settings: {
      'import/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import/resolver': { typescript: { project: 'tsconfig.json' } },
    },
    rules: {
      'import/no-cycle': ['error', { ignoreExternal: true }],
      'import/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './plugin/src/core',
              from: './plugin/src',
              except: ['./core'],
              message: 'The mapping core is pure: it imports only the core.',
            },
            {
              target: './plugin/src',
              from: ['./emulators', './tools'],
              message: 'Shipped plugin code never imports an emulator or a tool.',
            },
            {
              target: './emulators',
              from: './plugin/src/core',
              message:
                'Emulators compute with their own dates, money and Ids, so a core bug is not echoed by its test oracle.',
            },
          ],
        },
      ],
    },
  },
  // The commands follow the sf CLI's own plugin rules (salesforcecli/eslint-plugin-sf-plugin, written for
  // ESLint 8: fixupPluginRules adapts it).
  // no-missing-messages reads messages/ from the working directory, not the plugin's; a missing message
  // fails every command test at import instead (Messages.getMessage throws).
  {
    files: ['plugin/src/commands/**/*.ts'],
    plugins: { 'sf-plugin': fixupPluginRules(sfPlugin) },
    languageOptions: { parserOptions: { projectService: true } },
    rules: { ...sfPlugin.configs.recommended.rules, 'sf-plugin/no-missing-messages': 'off' },
  },
  { files: ['**/*.{js,mjs,cjs,ts}'], ignores: ['force-app/**'], languageOptions: { globals: { ...globals.node } } },
  // The Order page and its platform shims run in Chromium.
  {
    files: ['tools/order-page/src/page/**/*.js', 'tools/order-page/src/shims/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  ...[].concat(lwcRecommended).map((c) => ({ ...c, files: ['force-app/**/lwc/**/*.js'] })),
  {
    files: ['force-app/**/__tests__/**/*.js', 'force-app/test/**/*.js'],
    plugins: { jest: jestPlugin },
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
  },
  {
    files: ['jest.config.js', 'force-app/test/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
  },
  // Formatting is Prettier's (npm run format); turn off the style rules that would disagree with it.
  prettierConfig,
];
