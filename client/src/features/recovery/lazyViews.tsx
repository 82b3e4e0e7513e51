import { lazy, Suspense } from "react";

// The recovery screens load after sign-in, in their own chunk: the sign-in page stays small.
const Offer = lazy(() => import("./RecoveryOffer").then((m) => ({ default: m.RecoveryOffer })));
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
