import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['actions/*/dist/**', 'node_modules/**', 'build/**', 'dist/**', 'chart/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Every line, annotation, output and summary an action writes is redacted
    // in one place: src/actions/kit/channels.ts.
    files: ['src/**/*.ts'],
    ignores: ['src/actions/kit/channels.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "MemberExpression[object.name='core'][property.name=/^(info|debug|notice|warning|error|setOutput|setFailed|setSecret|summary)$/]",
          message: 'Write through src/actions/kit/channels.ts, which redacts secrets.',
        },
      ],
    },
  },
);
