import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

/** Flags that only an ffmpeg/ffprobe command line has (encoder options of conversion presets are data, not listed). */
const FFMPEG_FLAG =
  '/^-(i|map|vf|af|lavfi|filter_complex|filter_script|c|c:v|c:a|f|ss|to|frames:v|progress|hide_banner|nostdin|map_metadata|map_chapters|print_format|select_streams|show_entries|show_format|show_streams|show_chapters|show_frames|show_packets)$/';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'release/**',
      'node_modules/**',
      '.electron-native/**',
      'desktop/node_modules/**',
      'build/**',
      'test-output/**',
      'bench-results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error', 'warn'] }],
      // A capability adds its commands to `CommandRegistry` with `interface CommandRegistry extends CommandTypes<…> {}`.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
    },
  },
  {
    // Small modules: no source file over 500 lines (issue 11).
    files: ['core/**/*.ts', 'electron/**/*.ts', 'renderer/src/**/*.{ts,tsx}'],
    rules: { 'max-lines': ['error', { max: 500 }] },
  },
  {
    // ffmpeg knowledge in one place: argument arrays are built by the named operations in core/ffmpeg/ only.
    files: ['core/**/*.ts', 'electron/**/*.ts'],
    ignores: ['core/ffmpeg/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: `Literal[value=${FFMPEG_FLAG}]`,
          message: 'ffmpeg/ffprobe arguments are built in core/ffmpeg/ (add a named operation there).',
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      // The renderer sees the core only through its API types (core/api/*), imported as types.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)core/(?!api/)',
              message: 'The renderer imports only the API types from core/api/.',
            },
            {
              regex: '(^|/)core/api/',
              allowTypeImports: true,
              message: 'Import core/api only as types (import type …).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'scripts/**/*.mjs', 'bin/**/*.js'],
    rules: { 'no-console': 'off' },
  },
);
