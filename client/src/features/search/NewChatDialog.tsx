import type { MatrixClient } from "matrix-js-sdk";
import { Button } from "../../ui/Button";
import { Dialog } from "../../ui/Dialog";
import { describeError } from "../../ui/describeError";
import { startDirectChat } from "./directChat";
import { PeoplePicker } from "./PeoplePicker";
import { usePeopleSearch } from "./usePeopleSearch";

/** Finds someone by name (or full Matrix ID) and opens a direct chat with them. */
export function NewChatDialog({
  client,
  onClose,
  onOpened,
}: {
  client: MatrixClient | null;
  onClose: () => void;
  onOpened: (roomId: string) => void;
}) {
  const search = usePeopleSearch(client);
  return (
    <Dialog title="New chat" onClose={onClose}>
      <PeoplePicker
        search={search}
        label="Find people"
        action="Message"
        onPick={async (person) => {
          if (!client) return { error: "Not connected to Matrix yet." };
          try {
            onOpened(await startDirectChat(client, person.userId));
            return { done: `Opened your chat with ${person.displayName}.` };
          } catch (error) {
            return { error: describeError(error) };
          }
        }}
      />
      <div className="dialog__actions">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
      </div>
    </Dialog>
  );
}
