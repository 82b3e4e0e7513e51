import { describePartnerStores } from "../../testing/partnerStoresContract.js";
import { createInMemoryPartnerStore } from "./inMemoryPartnerStore.js";
import { createInMemoryProfileStore } from "./inMemoryProfileStore.js";

describePartnerStores("in memory", async () => {
  const partners = createInMemoryPartnerStore();
  return {
    partners,
    profiles: createInMemoryProfileStore({ pendingIncomingOf: partners.pendingIncomingOf }),
  };
});
