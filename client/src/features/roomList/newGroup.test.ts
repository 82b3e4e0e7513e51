import { describe, expect, it } from "vitest";
import { validateNewGroup } from "./newGroup";

const ME = "@ana:example.org";

describe("validateNewGroup", () => {
  it("needs a name", () => {
    expect(validateNewGroup({ name: "  ", topic: "", invites: "" }, ME)).toEqual({
      errors: { name: "Give the group a name." },
    });
  });

  it("takes comma-separated Matrix IDs, without duplicates or me", () => {
    expect(
      validateNewGroup(
        {
          name: " Book club ",
          topic: " Novels ",
          invites: "@bob:example.org, @carla:matrix.org:8448,@bob:example.org, @ana:example.org,",
        },
        ME,
      ),
    ).toEqual({
      group: {
        name: "Book club",
        topic: "Novels",
        invite: ["@bob:example.org", "@carla:matrix.org:8448"],
      },
    });
    expect(validateNewGroup({ name: "Solo", topic: " ", invites: "" }, ME)).toEqual({
      group: { name: "Solo", topic: null, invite: [] },
    });
  });

  it("says which invites are not Matrix IDs", () => {
    expect(
      validateNewGroup({ name: "", topic: "", invites: "bob, @carla:matrix.org" }, ME),
    ).toEqual({
      errors: {
        name: "Give the group a name.",
        invites: '"bob" is not a Matrix ID. Use the form @name:server.',
      },
    });
    const result = validateNewGroup({ name: "G", topic: "", invites: "@bob, carla@x.org" }, ME);
    expect(result).toEqual({
      errors: {
        invites: '"@bob", "carla@x.org" are not Matrix IDs. Use the form @name:server.',
      },
    });
  });
});
