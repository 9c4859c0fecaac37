// Part of `npm run lint`: no import cycle between files, counting type-only imports too (the
// layers in eslint.config.js say which way folders may depend; this keeps files acyclic within
// them as well). ESLint's import-x/no-cycle skips type-only imports by design, so the cycle check
// lives here.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      comment: 'Files import one another one way only; a cycle through type imports counts as well.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
