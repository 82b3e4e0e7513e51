import { Button } from "../../ui/Button";
import { useNotifier } from "./useNotifier";
import "../../ui/offerBanner.css";

/**
 * The offer to turn notifications on, shown once the learner has someone to hear from (a first
 * message or a first partner), never on page load. The browser's own question comes only from
 * the button, as browsers expect.
 */
export function NotificationOffer() {
  const { notifier, snapshot } = useNotifier();
  if (!notifier || !snapshot?.offer) return null;
  return (
    <section className="offer-banner" aria-label="Notifications">
      <p>Get a notification when your partner writes or calls, even in another tab.</p>
      <div className="offer-banner__actions">
        <Button onClick={() => void notifier.requestPermission()}>Turn on notifications</Button>
        <Button variant="secondary" onClick={() => notifier.dismissOffer()}>
          Not now
        </Button>
      </div>
    </section>
  );
}
