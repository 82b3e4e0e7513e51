import { createContext, type ReactNode, useContext } from "react";
import type { PartnersApi } from "./partnersApi";

const PartnersApiContext = createContext<PartnersApi | null>(null);

export function PartnersApiProvider({ api, children }: { api: PartnersApi; children: ReactNode }) {
  return <PartnersApiContext.Provider value={api}>{children}</PartnersApiContext.Provider>;
}

/** The bridge's profile and partner endpoints, for the feature hooks. */
export function usePartnersApi(): PartnersApi {
  const api = useContext(PartnersApiContext);
  if (!api) throw new Error("usePartnersApi needs a <PartnersApiProvider>");
  return api;
}
