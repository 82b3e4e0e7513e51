import { useCallback } from "react";
import type { PartnersApi } from "../../api/partnersApi";
import type { Language } from "../../api/partnerTypes";
import { usePartnersApi } from "../../api/usePartnersApi";
import { type UseRemoteData, useRemoteData } from "../../ui/useRemoteData";

const catalogues = new WeakMap<PartnersApi, Promise<Language[]>>();

/** The bridge's language catalogue, fetched once per page load (it only changes on deploys). */
export function loadLanguages(api: PartnersApi): Promise<Language[]> {
  let catalogue = catalogues.get(api);
  if (!catalogue) {
    catalogue = api.languages();
    catalogues.set(api, catalogue);
    // A failed fetch is not cached: the next page asks again.
    catalogue.catch(() => catalogues.delete(api));
  }
  return catalogue;
}

/** The language catalogue for names and pickers. */
export function useLanguages(): UseRemoteData<Language[]> {
  const api = usePartnersApi();
  return useRemoteData(useCallback(() => loadLanguages(api), [api]));
}
