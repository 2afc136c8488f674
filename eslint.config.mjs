// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/', '.data/', 'clients/typescript/schema.d.ts'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ['*.mjs', 'test/setup/*.mjs', 'test/*.cjs', 'clients/typescript/*.mjs'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // Nest needs the runtime class of injected and validated types: type-only imports would erase them.
    files: ['src/**/*.ts', 'test/**/*.ts', 'migrations/**/*.ts'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    // supertest bodies are `any` by design; tests assert their shape.
    files: ['test/**/*.ts', 'src/**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Boundaries (README, "Code layout"): no import cycle, shared code imports no feature, and a feature reaches
    // another only through its public surface, the `index.ts` of its folder. cli/ and the app's root files compose
    // everything and may import anything.
    files: ['src/**/*.ts', 'migrations/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: ['./src/common', './src/config'],
              from: './src',
              except: ['./common', './config'],
              message: 'common/ and config/ are shared by every feature: they import no feature.',
            },
            {
              target: './src/database',
              from: './src',
              except: ['./common', './config', './database'],
              message: 'database/ imports no feature: features give it their entities and seeders through @Feature.',
            },
            {
              target: './migrations',
              from: './src',
              message: 'A migration is frozen SQL: it imports nothing from the app, whose code changes.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/*/**/*.ts'],
    ignores: ['src/common/**', 'src/config/**', 'src/database/**', 'src/cli/**', 'src/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(?!common/|config/|database/)[a-z-]+/(?!index\\.js$).+',
              message: "Import another feature through its public surface: '../<feature>/index.js'.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/cli/**/*.ts', 'bench/**/*.mjs'],
    rules: { 'no-console': 'off' },
  },
  prettier,
);
