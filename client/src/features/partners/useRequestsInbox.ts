import { useEffect, useState } from "react";
import type { Partner, PartnerRequest } from "../../api/partnerTypes";
import { describeError, UNEXPECTED_ERROR } from "../../ui/describeError";
import type { PartnerRequestsSnapshot } from "./PartnerRequestsStore";
import { usePartnerRequests } from "./usePartnerRequests";

export type RequestAction = "accepting" | "declining";

export type RequestsInbox = {
  requests: PartnerRequestsSnapshot;
  /** What is under way for a request, if anything. */
  actionFor: (requestId: string) => RequestAction | undefined;
  /** Why the last action on a request failed. */
  errorFor: (requestId: string) => string | undefined;
  /** What just happened, for the page's status line. */
  notice: string | null;
  /** Resolves with the new partnership, or undefined if it failed (see errorFor). */
  accept: (request: PartnerRequest) => Promise<Partner | undefined>;
  decline: (request: PartnerRequest) => Promise<void>;
  retry: () => void;
};

/** The view model of the Requests page: the lists, fresh on arrival, and answering requests. */
export function useRequestsInbox(): RequestsInbox {
  const { requests, store } = usePartnerRequests();
  const [actions, setActions] = useState<Record<string, RequestAction>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    void store.refresh();
  }, [store]);

  async function run<T>(request: PartnerRequest, action: RequestAction, work: () => Promise<T>) {
    setActions((current) => ({ ...current, [request.id]: action }));
    setErrors(({ [request.id]: _cleared, ...rest }) => rest);
    setNotice(null);
    try {
      return await work();
    } catch (error) {
      const message = describeError(error, { unexpected: UNEXPECTED_ERROR });
      setErrors((current) => ({ ...current, [request.id]: message }));
      return undefined;
    } finally {
      setActions(({ [request.id]: _done, ...rest }) => rest);
    }
  }

  return {
    requests,
    actionFor: (id) => actions[id],
    errorFor: (id) => errors[id],
    notice,
    accept: (request) => run(request, "accepting", () => store.accept(request.id)),
    decline: async (request) => {
      await run(request, "declining", async () => {
        await store.decline(request.id);
        setNotice(`You declined ${request.requester.display_name}'s request.`);
      });
    },
    retry: () => void store.refresh(),
  };
}
