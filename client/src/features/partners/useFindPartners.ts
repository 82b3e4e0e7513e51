import { useCallback, useState } from "react";
import { ApiError } from "../../api/ApiError";
import type { Suggestion } from "../../api/partnerTypes";
import { usePartnersApi } from "../../api/usePartnersApi";
import { describeError, UNEXPECTED_ERROR } from "../../ui/describeError";
import { type RemoteData, useRemoteData } from "../../ui/useRemoteData";
import { usePartnerRequests } from "./usePartnerRequests";

export type SuggestionsState =
  | { status: "loading" }
  /** No profile yet: onboarding first. */
  | { status: "noProfile" }
  /** A profile without a native language or a language being learnt. */
  | { status: "incomplete"; message: string }
  | { status: "failed"; message: string }
  | { status: "ready"; suggestions: Suggestion[] };

export type ConnectState =
  | { status: "sending" }
  | { status: "sent" }
  | { status: "failed"; message: string };

export type FindPartners = {
  state: SuggestionsState;
  reload: () => void;
  /** What happened to the request to this person, if one was tried on this page. */
  connection: (userId: string) => ConnectState | undefined;
  /** Sends a partner request; the outcome shows in `connection(userId)`. */
  connect: (userId: string) => Promise<void>;
};

/** The view model of the Find partners page: suggestions, and connecting with them. */
export function useFindPartners(): FindPartners {
  const api = usePartnersApi();
  const { store } = usePartnerRequests();
  const { state: remote, reload } = useRemoteData(useCallback(() => api.suggestions(), [api]));
  const [connections, setConnections] = useState<Record<string, ConnectState>>({});

  const setConnection = (userId: string, state: ConnectState) =>
    setConnections((current) => ({ ...current, [userId]: state }));

  async function connect(userId: string) {
    const current = connections[userId]?.status;
    if (current === "sending" || current === "sent") return;
    setConnection(userId, { status: "sending" });
    try {
      store.sent(await api.requestPartner(userId));
      setConnection(userId, { status: "sent" });
    } catch (error) {
      const message = describeError(error, { unexpected: UNEXPECTED_ERROR });
      setConnection(userId, { status: "failed", message });
    }
  }

  return {
    state: suggestionsState(remote),
    reload,
    connection: (userId) => connections[userId],
    connect,
  };
}

function suggestionsState(remote: RemoteData<Suggestion[]>): SuggestionsState {
  switch (remote.status) {
    case "loading":
      return remote;
    case "ready":
      return { status: "ready", suggestions: remote.data };
    case "failed":
      if (remote.error instanceof ApiError && remote.error.status === 404) {
        return { status: "noProfile" };
      }
      if (remote.error instanceof ApiError && remote.error.status === 400) {
        return { status: "incomplete", message: remote.message };
      }
      return { status: "failed", message: remote.message };
  }
}
