import { lazy, type ReactNode, Suspense, useCallback, useEffect, useState } from "react";
import type { PasswordChangeRequest, SignInRequest, SignUpRequest, User } from "../api/types";
import { PartnersApiProvider, usePartnersApi } from "../api/usePartnersApi";
import type { SignedOutReason } from "../features/auth/SessionStore";
import { SignInPage } from "../features/auth/SignInPage";
import { SignUpPage } from "../features/auth/SignUpPage";
import { useFormSubmission } from "../features/auth/useFormSubmission";
import { SessionProvider, useSession } from "../features/auth/useSession";
import { HomePage } from "../features/home/HomePage";
import { NotificationOffer } from "../features/notifications/NotificationOffer";
import { NotifierProvider, useBrowserNotifierFor } from "../features/notifications/useNotifier";
import { PartnerRequestsStore } from "../features/partners/PartnerRequestsStore";
import {
  PartnerRequestsProvider,
  usePartnerRequests,
  useRequestsPolling,
} from "../features/partners/usePartnerRequests";
import { disableBackgroundPush } from "../features/push/backgroundPush";
import { preloadRecoveryOffer, RecoveryOffer } from "../features/recovery";
import { SettingsPage } from "../features/settings/SettingsPage";
import { MatrixConnectionProvider, useMatrixClient } from "../matrix/useMatrixClient";
import { eventIdFromPath, roomIdFromPath } from "../routing/paths";
import { navigate, usePathname } from "../routing/router";
import { BrandMark } from "../ui/BrandMark";
import { Loading } from "../ui/LoadState";
import { AppShell, preloadAppShell } from "./AppShell";
import { LazyPage, LazyPageView } from "./lazyPage";
import { isPrivatePath, resolveScreen, restoredScreen, type Screen } from "./screens";
import type { AppServices } from "./services";
import { usePartnerNotifications } from "./signedInNotifications";

// The partner and room pages load on first use, so the sign-in pages stay small.
const OnboardingPage = lazy(() =>
  import("../features/profile/OnboardingPage").then((m) => ({ default: m.OnboardingPage })),
);
const ProfilePage = lazy(() =>
  import("../features/profile/ProfilePage").then((m) => ({ default: m.ProfilePage })),
);
const FindPartnersPage = lazy(() =>
  import("../features/partners/FindPartnersPage").then((m) => ({ default: m.FindPartnersPage })),
);
const RequestsPage = lazy(() =>
  import("../features/partners/RequestsPage").then((m) => ({ default: m.RequestsPage })),
);
const PartnersPage = lazy(() =>
  import("../features/partners/PartnersPage").then((m) => ({ default: m.PartnersPage })),
);
// Preloaded on a reload of the Chats page (main.tsx), to show the cached rooms at once.
const chatsPage = new LazyPage(() =>
  import("../features/roomList/ChatsPage").then((m) => m.ChatsPage),
);
const MessageSearchPage = lazy(() =>
  import("../features/search").then((m) => ({ default: m.MessageSearchPage })),
);
const RoomPage = lazy(() =>
  import("../features/rooms/RoomPage").then((m) => ({ default: m.RoomPage })),
);

/**
 * Starts loading what the first screen needs for someone this browser remembers as signed in,
 * before the session check has answered (see `restoringAs` in services.ts).
 */
export function preloadRestoredScreen(path: string): Promise<void> {
  if (restoredScreen(path) !== "chats") return Promise.resolve();
  // A chunk that fails to load is tried again when the page renders.
  return chatsPage.preload().then(
    () => undefined,
    () => undefined,
  );
}

/** Top-level: provides the services and shows the screen for the session and the path. */
export function App({ services }: { services: AppServices }) {
  return (
    <SessionProvider store={services.session}>
      <MatrixConnectionProvider connection={services.matrix}>
        <PartnersApiProvider api={services.partners}>
          <Screens restoringAs={services.restoringAs} />
        </PartnersApiProvider>
      </MatrixConnectionProvider>
    </SessionProvider>
  );
}

function Screens({ restoringAs }: { restoringAs: AppServices["restoringAs"] }) {
  const { state, session } = useSession();
  const path = usePathname();
  // Where a visitor whose session ended was headed, to go back there after signing in.
  const [returnTo, setReturnTo] = useState<string | null>(null);
  // Read once: who this browser's session belonged to, drawn while it is being checked.
  const [remembered] = useState(restoringAs);

  useEffect(() => {
    void session.restore();
  }, [session]);

  // Signed in, the Chats page is a click away: its chunk loads now, so that click shows it at once.
  const signedIn = state.status === "signedIn";
  useEffect(() => {
    if (signedIn) chatsPage.preload().catch(() => undefined);
  }, [signedIn]);

  // While the session check is in flight, the Chats page shows the rooms this browser kept for
  // the remembered user, without any request or Matrix client; a refused session replaces it
  // with the sign-in page (and services.ts deletes what was kept).
  const restored = state.status === "loading" && remembered ? restoredScreen(path) : null;
  const restoring = restored !== null;
  const { screen, redirect } = restored
    ? { screen: restored, redirect: null }
    : resolveScreen(state, path, returnTo);
  const user = state.status === "signedIn" ? state.user : restoring ? remembered : null;

  useEffect(() => {
    if (redirect === null) return;
    if (state.status === "signedOut") {
      setReturnTo(state.reason !== "signedOut" && isPrivatePath(path) ? path : null);
    } else {
      setReturnTo(null);
    }
    navigate(redirect, { replace: true });
  }, [redirect, state, path]);

  switch (screen) {
    case "loading":
      return <LoadingScreen />;
    case "signIn":
      return <SignInScreen reason={state.status === "signedOut" ? state.reason : null} />;
    case "signUp":
      return <SignUpScreen />;
    default:
      if (!user) return null;
      // One frame for every signed-in screen, so it (and its request polling) stays mounted,
      // from the cached Chats page through the confirmed session; a different user starts anew.
      return (
        <SignedInFrame key={user.matrixUserId} path={path} user={user} restoring={restoring}>
          <Suspense fallback={<Loading label="Loading…" />}>
            <SignedInScreen screen={screen} path={path} user={user} />
          </Suspense>
        </SignedInFrame>
      );
  }
}

function SignedInScreen({ screen, path, user }: { screen: Screen; path: string; user: User }) {
  switch (screen) {
    case "home":
      return <HomeScreen user={user} />;
    case "chats":
      return <ChatsScreen user={user} />;
    case "settings":
      return <SettingsScreen user={user} />;
    case "welcome":
      return <OnboardingPage />;
    case "profile":
      return <ProfileScreen />;
    case "findPartners":
      return <FindPartnersPage />;
    case "requests":
      return <RequestsPage />;
    case "partners":
      return <PartnersScreen />;
    case "room":
      return <RoomScreen roomId={roomIdFromPath(path) ?? ""} eventId={eventIdFromPath(path)} />;
    case "search":
      return <SearchScreen />;
    default:
      return null;
  }
}

function LoadingScreen() {
  return (
    <main className="loading-screen" aria-busy="true">
      <BrandMark size={48} />
      <p role="status">Loading Xstream…</p>
    </main>
  );
}

const NOTICES: Record<SignedOutReason, string> = {
  sessionEnded: "Your session has ended. Please sign in again.",
  signedOut: "You have signed out.",
  unreachable: "Couldn't reach Xstream to restore your session. Check your connection and sign in.",
};

const SIGN_IN_FIELDS = ["username", "password"] as const;

let signedInScreensPreloaded = false;

/**
 * While someone types their password, the chunks of the screens signing in opens (the shell's
 * call layer, the recovery offer, the Chats page) load and compile, as Matrix's code does: after
 * the click, the CPU they took is free for painting, and on a small machine for the servers.
 */
function preloadSignedInScreens() {
  if (signedInScreensPreloaded) return;
  signedInScreensPreloaded = true;
  preloadAppShell();
  preloadRecoveryOffer();
  chatsPage.preload().catch(() => undefined);
}

function SignInScreen({ reason }: { reason: SignedOutReason | null }) {
  const { session } = useSession();
  const signIn = useCallback((request: SignInRequest) => session.signIn(request), [session]);
  const prepare = useCallback(() => {
    session.prepareSignIn();
    preloadSignedInScreens();
  }, [session]);
  const form = useFormSubmission(signIn, SIGN_IN_FIELDS);
  return (
    <SignInPage
      onSignIn={form.submit}
      onCreateAccount={() => navigate("/signup")}
      serverError={form.formError}
      fieldErrors={form.fieldErrors}
      onFieldChange={form.clearFieldError}
      pending={form.pending}
      notice={reason && !form.formError ? NOTICES[reason] : null}
      onSigningIn={prepare}
    />
  );
}

const SIGN_UP_FIELDS = ["username", "displayName", "password"] as const;

function SignUpScreen() {
  const { session } = useSession();
  const signUp = useCallback((request: SignUpRequest) => session.signUp(request), [session]);
  const form = useFormSubmission(signUp, SIGN_UP_FIELDS);
  return (
    <SignUpPage
      onSignUp={form.submit}
      onSignIn={() => navigate("/signin")}
      serverError={form.formError}
      fieldErrors={form.fieldErrors}
      onFieldChange={form.clearFieldError}
      pending={form.pending}
    />
  );
}

const NO_FIELDS = [] as const;

function SignedInFrame({
  path,
  user,
  restoring,
  children,
}: {
  path: string;
  user: User;
  /** Drawn from this browser's cache while the session check is in flight: nothing is asked. */
  restoring: boolean;
  children: ReactNode;
}) {
  const api = usePartnersApi();
  // One per signed-in session: signing out unmounts the frame and drops it.
  const [requests] = useState(() => new PartnerRequestsStore(api));
  const { client } = useMatrixClient();
  const notifier = useBrowserNotifierFor(client);
  return (
    <PartnerRequestsProvider store={requests}>
      <NotifierProvider notifier={notifier}>
        {!restoring && <SessionWork requests={requests} notifier={notifier} />}
        <SignedInShell path={path} user={user} restoring={restoring}>
          {!restoring && <NotificationOffer />}
          {!restoring && <RecoveryOffer />}
          {children}
        </SignedInShell>
      </NotifierProvider>
    </PartnerRequestsProvider>
  );
}

/** What a confirmed session does in the background: request polling and notifications. */
function SessionWork({
  requests,
  notifier,
}: {
  requests: PartnerRequestsStore;
  notifier: ReturnType<typeof useBrowserNotifierFor>;
}) {
  const api = usePartnersApi();
  const { client } = useMatrixClient();
  useRequestsPolling(requests);
  usePartnerNotifications(client, api, requests, notifier);
  return null;
}

function SignedInShell({
  path,
  user,
  restoring,
  children,
}: {
  path: string;
  user: User;
  restoring: boolean;
  children: ReactNode;
}) {
  const { session } = useSession();
  const { requests } = usePartnerRequests();
  const { forgetDevice } = useMatrixClient();
  const signOut = useCallback(async () => {
    // Best effort: the pusher also goes with the device when the bridge deletes it.
    await disableBackgroundPush().catch(() => {});
    await session.signOut();
    // The bridge deleted this device: its encryption keys must not stay in the browser.
    await forgetDevice();
  }, [session, forgetDevice]);
  const form = useFormSubmission(signOut, NO_FIELDS);
  return (
    <AppShell
      path={path}
      displayName={user.displayName}
      onSignOut={() => void form.submit(undefined)}
      signingOut={form.pending}
      // Signing out needs the confirmed session, a moment away.
      canSignOut={!restoring}
      signOutError={form.formError}
      pendingRequests={requests.incoming.length}
    >
      {children}
    </AppShell>
  );
}

function HomeScreen({ user }: { user: User }) {
  const matrix = useMatrixClient();
  return <HomePage user={user} matrix={matrix} onRetryMatrix={matrix.retry} />;
}

function PartnersScreen() {
  const { client } = useMatrixClient();
  return <PartnersPage matrixClient={client} />;
}

function ProfileScreen() {
  const { client } = useMatrixClient();
  return <ProfilePage matrixClient={client} />;
}

function ChatsScreen({ user }: { user: User }) {
  const { client, preview } = useMatrixClient();
  return (
    <LazyPageView page={chatsPage} props={{ client, cachedFor: user.matrixUserId, preview }} />
  );
}

function RoomScreen({ roomId, eventId }: { roomId: string; eventId: string | null }) {
  const { client } = useMatrixClient();
  // A new room is a new page: fresh composer, fresh subscriptions.
  return <RoomPage key={roomId} client={client} roomId={roomId} eventId={eventId} />;
}

function SearchScreen() {
  const { client, status } = useMatrixClient();
  // Searching needs the rooms, which the first sync brings.
  const synced = status === "connected" || status === "reconnecting";
  return <MessageSearchPage client={synced ? client : null} />;
}

const PASSWORD_FIELDS = ["currentPassword", "newPassword"] as const;

function SettingsScreen({ user }: { user: User }) {
  const { session } = useSession();
  const changePassword = useCallback(
    (request: PasswordChangeRequest) => session.changePassword(request),
    [session],
  );
  const form = useFormSubmission(changePassword, PASSWORD_FIELDS);
  return (
    <SettingsPage
      user={user}
      onChangePassword={form.submit}
      serverError={form.formError}
      fieldErrors={form.fieldErrors}
      onFieldChange={form.clearFieldError}
      pending={form.pending}
    />
  );
}
