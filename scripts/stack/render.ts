// Renders the ${XS_*} templates in synapse-config/ and livekit-config/. A placeholder without a
// value is an error naming the key, so a half-rendered config never reaches a server.
const PLACEHOLDER = /\$\{(XS_[A-Z0-9_]+)\}/g;

export type TemplateValues = Readonly<Record<string, string | number>>;

export class TemplateError extends Error {}

export function renderTemplate(template: string, values: TemplateValues, name: string): string {
  const missing = new Set<string>();
  const rendered = template.replace(PLACEHOLDER, (_match, key: string) => {
    const value = values[key];
    if (value === undefined) {
      missing.add(key);
      return "";
    }
    return String(value);
  });
  if (missing.size > 0) {
    throw new TemplateError(`${name}: no value for ${[...missing].sort().join(", ")}`);
  }
  return rendered;
}

/** Escapes a string for use inside a regular expression in a YAML double-quoted scalar. */
export function yamlRegexLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, (char) => `\\\\${char}`);
}
