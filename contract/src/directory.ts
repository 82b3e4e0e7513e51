import { z } from "zod";

// /api/profile/partner-organisations: being shown to partner organisations' learners.

/** PUT /api/profile/partner-organisations. */
export const partnerVisibilityInputSchema = z
  .object({
    visible: z.boolean().meta({
      description:
        "Also show me to learners of partner organisations (off by default). Needs `discoverable` too.",
    }),
  })
  .meta({ title: "PartnerVisibilityInput" });

export const partnerVisibilityResponseSchema = z
  .object({
    visible: z.boolean(),
    partner_organisations: z.array(z.string()).meta({
      description: "Server names this organisation pairs with (PARTNER_ORGANISATIONS).",
    }),
  })
  .meta({ title: "PartnerVisibilityResponse" });

export type PartnerVisibilityJson = z.infer<typeof partnerVisibilityResponseSchema>;
export type PartnerVisibility = PartnerVisibilityJson;
