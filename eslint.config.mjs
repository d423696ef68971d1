import js from "@eslint/js";
import tseslint from "typescript-eslint";

const production = ["shared/**/*.ts", "functions/**/*.ts"];
const typed = [...production, "tests/**/*.ts", "bench/**/*.ts"];

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts", "**/*.mts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  {
    // Type-aware rules: one program from tsconfig.test.json, which includes production code, tests and bench types.
    files: typed,
    extends: [tseslint.configs.recommendedTypeCheckedOnly],
    languageOptions: {
      parserOptions: { project: "./tsconfig.test.json", tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    // An async method that awaits nothing still implements an async port, and turns a throw into a rejection.
    files: typed,
    rules: { "@typescript-eslint/require-await": "off" },
  },
  {
    // Tests keep the promise checks and may assert; vitest's asymmetric matchers (expect.any,
    // expect.objectContaining) are typed any, and the infra tests print parsed Bicep values.
    files: ["tests/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-base-to-string": "off",
    },
  },
  {
    // Production code says with types what a cast or a `!` would only claim; tests may still assert.
    files: production,
    rules: {
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/consistent-type-assertions": ["error", { assertionStyle: "never" }],
    },
  },
  {
    // Bench scripts are plain CommonJS run by node against the compiled service.
    files: ["**/*.cjs", "bench/**/*.js"],
    languageOptions: {
      sourceType: "commonjs",
      globals: {
        require: "readonly",
        module: "writable",
        process: "readonly",
        console: "readonly",
        __dirname: "readonly",
        fetch: "readonly",
        URL: "readonly",
        Buffer: "readonly",
        performance: "readonly",
        setTimeout: "readonly",
      },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
