import type * as contract from "@xstream/contract";

/** The /api contract's module: its zod schemas, loaded only where responses are checked. */
export type Contract = typeof contract;

/** Picks the schema a response must match from the contract. */
export type ResponseSchema = (contract: Contract) => {
  safeParse(value: unknown): { success: true } | { success: false; error: { message: string } };
};

/**
 * Development builds check every typed response against the contract, so a bridge and a client
 * that disagree fail loudly where the change was made. Production builds drop this (Vite removes
 * the `import.meta.env.DEV` branch), and with it zod and the schemas.
 */
export async function checkResponse(pick: ResponseSchema, body: unknown, what: string) {
  const schemas = await import("@xstream/contract");
  const result = pick(schemas).safeParse(body);
  if (!result.success) {
    throw new Error(`${what} answered outside the /api contract: ${result.error.message}`);
  }
}
