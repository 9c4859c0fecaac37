// `npm run lint`: typescript-eslint's type-aware recommended rules, import hygiene, and the layers
// of src/ (which folder may import which) as import restrictions. import-x/no-cycle reports a
// cycle at its import, but skips type-only imports by design; the cycle check that counts them is
// dependency-cruiser's (.dependency-cruiser.cjs), the second half of `npm run lint`.
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const DOMAINS = ['accounts', 'catalogue', 'cart', 'orders', 'panel', 'platform'];
const ADAPTERS = ['payments', 'media', 'mail'];
const src = (name) => `./src/${name}`;
const others = (domain) => DOMAINS.filter((other) => other !== domain).map(src);
/** Top-level files of src/ that assemble the application. */
const COMPOSITION = ['./src/services.ts', './src/app.ts', './src/main.ts', './src/runtime', './src/cli'];

/** import-x/no-restricted-paths zones: `target` must not import `from`. */
const layers = [
  {
    target: src('http'),
    from: [...DOMAINS.map(src), ...ADAPTERS.map(src), ...COMPOSITION],
    message: 'src/http is generic: it gets what it needs of the app through createApi, never from a domain, an adapter or the composition.',
  },
  ...ADAPTERS.map((adapter) => ({
    target: src(adapter),
    from: [...DOMAINS.map(src), ...COMPOSITION],
    message: 'An adapter knows its outside service only, no domain.',
  })),
  {
    target: ['./src/config.ts', './src/db.ts', './src/log.ts', './src/money.ts', './src/paths.ts'],
    from: [...DOMAINS.map(src), ...ADAPTERS.map(src), src('http'), ...COMPOSITION],
    message: 'The foundation modules import nothing of the app built on them.',
  },
  {
    target: './src/services.ts',
    from: others('accounts'),
    message: 'services.ts bundles adapters and names no domain.',
  },
  {
    // The Google ID-token verifier is an adapter that lives with the accounts.
    target: './src/services.ts',
    from: src('accounts'),
    except: ['./google-verifier.ts'],
    message: 'services.ts bundles adapters and names no domain.',
  },
  {
    // The audit log sits under every domain: any of them records into it, it knows none of them.
    // (services.ts is what every operation is given, so it may be named like in any domain.)
    target: src('audit'),
    from: [...DOMAINS.map(src), ...ADAPTERS.map(src), ...COMPOSITION.filter((file) => file !== './src/services.ts')],
    message: 'src/audit is below every domain: it imports none of them.',
  },
  { target: src('accounts'), from: others('accounts'), message: 'accounts imports no other domain.' },
  { target: src('catalogue'), from: others('catalogue'), message: 'catalogue imports no other domain.' },
  { target: src('platform'), from: others('platform'), message: 'platform imports no other domain.' },
  {
    target: src('cart'),
    from: [src('orders'), src('accounts'), src('panel'), src('platform')],
    message: 'Domains depend one way: panel → orders → cart → catalogue.',
  },
  { target: src('orders'), from: [src('panel'), src('platform')], message: 'Domains depend one way: panel → orders → cart → catalogue.' },
  { target: src('panel'), from: [src('platform')], message: 'The staff panel reads the shop domains; platform is not one of them.' },
  {
    target: './src',
    from: ['./test', './testing', './scripts', './seeds', './migrations', './examples'],
    message: 'The application never imports its tests, test tools, scripts or examples.',
  },
  {
    target: './examples',
    from: ['./src', './test', './testing', './scripts'],
    message: 'An example client stands alone: it knows the API through generated/ only.',
  },
  {
    target: './testing',
    from: ['./test', './scripts'],
    message: 'testing/ is shared by tests and scripts and imports neither.',
  },
];

export default tseslint.config(
  { ignores: ['generated/', 'node_modules/', 'data/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  importX.flatConfigs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      // Packages are resolved, never parsed: their exports are the type checker's business.
      'import-x/ignore': ['node_modules'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      // NodeNext imports name the compiled file (`./x.js`) of a TypeScript source (`./x.ts`).
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'], extensionAlias: { '.js': ['.ts', '.js'] } })],
    },
    rules: {
      'import-x/no-cycle': ['error', { maxDepth: '∞' }],
      'import-x/no-self-import': 'error',
      'import-x/no-useless-path-segments': 'error',
      'import-x/no-restricted-paths': ['error', { zones: layers }],
      // The TypeScript compiler checks these, with the types the resolver cannot see.
      'import-x/named': 'off',
      'import-x/namespace': 'off',
      'import-x/default': 'off',
      'import-x/no-named-as-default-member': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Operation handlers and test hooks implement interfaces that return promises; one that has
      // nothing to wait for is still written `async` rather than wrapping its answer by hand.
      '@typescript-eslint/require-await': 'off',
      // Knex's and the ref parser's type parameters describe a table or a document, not what one
      // statement answers; an assertion on the answer (`as { id: number }[]`) says that better.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
    },
  },
  {
    // An accessor in an object literal makes each object a hidden class of its own, and V8 keeps
    // hidden classes in the old generation: whatever the accessor's closure reaches (a request,
    // its answer) then outlives the young generation. That made every request of the server
    // survive into the old generation (see KoaRequestInfo in src/http/request.ts). A class puts
    // the accessor on its prototype, shared by every instance.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ObjectExpression > Property[kind='get'], ObjectExpression > Property[kind='set']",
          message: 'No accessor in an object literal on the server: write a class with the accessor (see src/http/request.ts).',
        },
      ],
    },
  },
  {
    // orders may name the accounts' types (the signed-in user) but calls none of their code.
    files: ['src/orders/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/accounts/*'],
              allowTypeImports: true,
              message: 'orders → accounts is allowed for types only.',
            },
          ],
        },
      ],
    },
  },
  {
    // An Objection model gets its typed columns from the row's interface by declaration merging
    // (`interface Product extends ProductRow {}` beside `class Product extends Model`). The class
    // declares and initialises none of those members, which is what the rule guards against.
    files: ['src/**/*.model.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-declaration-merging': 'off',
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
    },
  },
  {
    // A test reads response bodies as `any` on purpose (TestResponse<T = any>): the test client has
    // already checked each one against openapi.yaml, and an assertion on a wrong property fails
    // the test.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // Plain Node scripts that run before anything is compiled (scripts/build.mjs).
    files: ['**/*.mjs'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
);
