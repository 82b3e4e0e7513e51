"""Who a learner can find in Synapse's user directory (`/user_directory/search`).

Xstream's rule is that nothing about a learner leaves the server unless they opted in. Synapse's
own settings offer either "people you share a room with, plus everyone in a public room"
(`search_all_users: false`) or "everyone" (`true`); neither is that rule. So the directory runs
with `search_all_users: true` and this module, through Synapse's spam-checker callback for
directory results, keeps only:

- people who share a room with the searcher (joined, or invited by them), from any server;
- learners of this server who chose to be discoverable: the bridge publishes the profile field
  `org.xstream.languages` only while they are, and removes it when they hide.

Everyone else is left out of the results, as if they did not match.
"""

import json
from typing import Any

from synapse.module_api import ModuleApi

# Published by the bridge on the Matrix profile of a discoverable learner only.
DISCOVERABLE_FIELD = "org.xstream.languages"

_SHARED_ROOM = """
    SELECT 1 FROM current_state_events AS mine
    JOIN current_state_events AS theirs ON theirs.room_id = mine.room_id
    WHERE mine.type = 'm.room.member' AND mine.state_key = ? AND mine.membership = 'join'
      AND theirs.type = 'm.room.member' AND theirs.state_key = ?
      AND theirs.membership IN ('join', 'invite')
    LIMIT 1
"""

_PROFILE_FIELDS = "SELECT fields FROM profiles WHERE full_user_id = ?"


class LearnerDirectory:
    def __init__(self, config: dict[str, Any], api: ModuleApi):
        self._api = api
        api.register_spam_checker_callbacks(check_username_for_spam=self.check_username_for_spam)

    @staticmethod
    def parse_config(config: dict[str, Any] | None) -> dict[str, Any]:
        return config or {}

    async def check_username_for_spam(self, user_profile: Any, requester_id: str) -> bool:
        """True leaves the user out of `requester_id`'s directory results."""
        user_id = user_profile["user_id"]
        local = self._api.is_mine(user_id)
        visible = await self._api.run_db_interaction(
            "xstream_directory_visible", _visible, requester_id, user_id, local
        )
        return not visible


def _visible(txn: Any, requester_id: str, user_id: str, local: bool) -> bool:
    txn.execute(_SHARED_ROOM, (requester_id, user_id))
    if txn.fetchone() is not None:
        return True
    if not local:
        return False
    txn.execute(_PROFILE_FIELDS, (user_id,))
    row = txn.fetchone()
    if row is None or row[0] is None:
        return False
    # JSONB comes back as a dict from PostgreSQL, as text from SQLite.
    fields = row[0] if isinstance(row[0], dict) else json.loads(row[0])
    return isinstance(fields, dict) and DISCOVERABLE_FIELD in fields
