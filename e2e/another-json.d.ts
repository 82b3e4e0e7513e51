// another-json (Matrix's canonical JSON, by matrix.org) ships no types; the part the tests use.
declare module "another-json" {
  export function stringify(value: unknown): string;
}
