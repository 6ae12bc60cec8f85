// Lint for what the compiler cannot see: promises nobody awaits or handles (an unhandled
// rejection kills Node after rdoctl's own message). Nothing stylistic: `tsc` and review do that.
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "providers/**", ".gen/**", "cdktf.out/**", "**/*.d.ts"] },
  {
    files: ["src/**/*.ts", "stacks/**/*.ts", "test/**/*.ts", "bench/**/*.ts", "scripts/**/*.mjs", "bench/**/*.mjs", "test/**/*.mjs", "bin/**/*.js"],
    languageOptions: {
      parser: tseslint.parser,
      // tsconfig.lint.json: the tests' project plus the zx scripts and benches (allowJs, unchecked).
      parserOptions: { project: "./tsconfig.lint.json", tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@typescript-eslint": tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: "off" },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
    },
  },
);
