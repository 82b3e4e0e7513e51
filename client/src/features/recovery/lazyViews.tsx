import { lazy, Suspense } from "react";

// The recovery screens load after sign-in, in their own chunk: the sign-in page stays small.
const loadOffer = () => import("./RecoveryOffer");
const Offer = lazy(() => loadOffer().then((m) => ({ default: m.RecoveryOffer })));

/** Starts loading the offer's chunk (shown right after sign-in) before it is first rendered. */
export function preloadRecoveryOffer(): void {
  loadOffer().catch(() => undefined);
}

const Settings = lazy(() =>
  import("./RecoverySettings").then((m) => ({ default: m.RecoverySettings })),
);

/** See RecoveryOffer.tsx. */
export function RecoveryOffer() {
  return (
    <Suspense fallback={null}>
      <Offer />
    </Suspense>
  );
}

/** See RecoverySettings.tsx. */
export function RecoverySettings() {
  return (
    <Suspense fallback={null}>
      <Settings />
    </Suspense>
  );
}
