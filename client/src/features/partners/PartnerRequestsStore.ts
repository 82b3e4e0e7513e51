import type { PartnersApi } from "../../api/partnersApi";
import type { Partner, PartnerRequest } from "../../api/partnerTypes";
import { describeError, UNEXPECTED_ERROR } from "../../ui/describeError";

export type PartnerRequestsSnapshot = {
  /** "loading" until the first answer; later refreshes keep the last lists. */
  status: "loading" | "ready" | "failed";
  incoming: PartnerRequest[];
  outgoing: PartnerRequest[];
  /** Why the last refresh failed, for people; null after a good one. */
  error: string | null;
};

const INITIAL: PartnerRequestsSnapshot = {
  status: "loading",
  incoming: [],
  outgoing: [],
  error: null,
};

/**
 * The pending partner requests, both ways: the view model behind the Requests page and the
 * badge on its navigation link. One per signed-in session.
 */
export class PartnerRequestsStore {
  readonly #api: Pick<PartnersApi, "requests" | "acceptRequest" | "declineRequest">;
  readonly #listeners = new Set<() => void>();
  #snapshot: PartnerRequestsSnapshot = INITIAL;
  #refreshing: Promise<void> | null = null;
  /** Bumped by every local change, so a refresh that started before it cannot undo it. */
  #version = 0;
  /** A refresh answered with lists older than a local change: ask again once it is done. */
  #stale = false;

  constructor(api: Pick<PartnersApi, "requests" | "acceptRequest" | "declineRequest">) {
    this.#api = api;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): PartnerRequestsSnapshot => this.#snapshot;

  /** Asks the bridge again; calls made while one is under way share it. Never rejects. */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = null;
      if (this.#stale) {
        this.#stale = false;
        void this.refresh();
      }
    });
    return this.#refreshing;
  }

  async #refresh() {
    const version = this.#version;
    try {
      const { incoming, outgoing } = await this.#api.requests();
      if (version !== this.#version) {
        this.#stale = true;
        return;
      }
      this.#set({ status: "ready", incoming, outgoing, error: null });
    } catch (error) {
      if (version !== this.#version) return;
      const message = describeError(error, { unexpected: UNEXPECTED_ERROR });
      this.#set({
        ...this.#snapshot,
        status: this.#snapshot.status === "loading" ? "failed" : this.#snapshot.status,
        error: message,
      });
    }
  }

  /** Accepts an incoming request; resolves with the new partnership. Rejects with an ApiError. */
  async accept(requestId: string): Promise<Partner> {
    const partner = await this.#api.acceptRequest(requestId);
    this.#removeIncoming(requestId);
    return partner;
  }

  /** Declines an incoming request. Rejects with an ApiError. */
  async decline(requestId: string): Promise<void> {
    await this.#api.declineRequest(requestId);
    this.#removeIncoming(requestId);
  }

  /** Records a request just sent from a suggestion, so the lists agree without a refresh. */
  sent(request: PartnerRequest): void {
    this.#version++;
    const outgoing = this.#snapshot.outgoing.filter((r) => r.id !== request.id);
    this.#set({ ...this.#snapshot, outgoing: [...outgoing, request] });
  }

  #removeIncoming(requestId: string) {
    this.#version++;
    this.#set({
      ...this.#snapshot,
      incoming: this.#snapshot.incoming.filter((request) => request.id !== requestId),
    });
  }

  #set(snapshot: PartnerRequestsSnapshot) {
    this.#snapshot = snapshot;
    for (const listener of this.#listeners) listener();
  }
}
