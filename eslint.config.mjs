import js from "@eslint/js";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";

export default tseslint.config(
  {
    // .tmp/ holds older builds for the benchmarks' --before (scripts/bench-start.ts says where); git ignores it too.
    ignores: [
      "dist/**",
      "node_modules/**",
      ".tools/**",
      "examples/**/node_modules/**",
      "coverage/**",
      ".tmp/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  prettier,
  {
    languageOptions: { globals: { require: "readonly", process: "readonly", console: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // The dynamic provider must load its runtime with require() inside its methods (see collectionFailoverProvider.ts).
      "@typescript-eslint/no-require-imports": "off",
    },
  },
  {
    // Tests index into results they have just asserted on.
    files: ["test/**/*.ts", "scripts/**/*.ts"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off" },
  },
);
