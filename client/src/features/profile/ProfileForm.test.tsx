import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../../api/ApiError";
import type { ProfileInput } from "../../api/partnerTypes";
import { LANGUAGES, profile } from "../../test/fakePartners";
import { statusSays } from "../../test/status";
import { ProfileForm } from "./ProfileForm";
import { emptyProfile } from "./profileDraft";

function renderForm({
  initial = emptyProfile("Europe/Madrid"),
  onSave = vi.fn(async (_input: ProfileInput) => {}),
  submitLabel = "Save profile",
} = {}) {
  const user = userEvent.setup();
  render(
    <ProfileForm
      initial={initial}
      languages={LANGUAGES}
      submitLabel={submitLabel}
      onSave={onSave}
    />,
  );
  return { user, onSave };
}

const save = () => screen.getByRole("button", { name: "Save profile" });

function refusal(field: string, message: string) {
  return new ApiError({ status: 400, errcode: "M_INVALID_PARAM", message, field });
}

describe("ProfileForm", () => {
  it("labels every field", () => {
    renderForm();

    expect(screen.getByRole("combobox", { name: "Native languages" })).toBeInTheDocument();
    expect(
      screen.getByRole("combobox", { name: "Languages you are learning" }),
    ).toBeInTheDocument();
    expect(screen.getByLabelText("Interests")).toBeInTheDocument();
    expect(screen.getByLabelText("Time zone")).toHaveValue("Europe/Madrid");
    expect(screen.getByRole("group", { name: "Availability" })).toBeInTheDocument();
    expect(screen.getByLabelText("Bio")).toHaveAttribute("maxlength", "500");
    expect(screen.getByLabelText("Show me in partner suggestions")).toBeChecked();
    expect(save()).toHaveAttribute("type", "submit");
  });

  it("says what is missing instead of saving, and focuses the first field at fault", async () => {
    const { user, onSave } = renderForm();

    await user.click(save());

    const native = screen.getByRole("combobox", { name: "Native languages" });
    expect(native).toHaveAccessibleDescription(
      expect.stringContaining("Choose at least one native language."),
    );
    expect(native).toHaveFocus();
    expect(
      screen.getByRole("combobox", { name: "Languages you are learning" }),
    ).toHaveAccessibleDescription(
      expect.stringContaining("Add at least one language you are learning."),
    );
    expect(onSave).not.toHaveBeenCalled();
  });

  it("finds languages by name, adds them with Enter or a click, and removes them", async () => {
    const { user } = renderForm();
    const native = screen.getByRole("combobox", { name: "Native languages" });

    await user.type(native, "portu");
    const options = within(
      screen.getByRole("listbox", { name: "Matching languages" }),
    ).getAllByRole("option");
    expect(options.map((option) => option.textContent)).toEqual([
      "Portuguese",
      "Brazilian Portuguese",
    ]);
    expect(native).toHaveAttribute("aria-expanded", "true");
    expect(native).toHaveAttribute("aria-activedescendant", options[0]?.id);

    await user.keyboard("{ArrowDown}{Enter}");
    expect(native).toHaveValue("");
    expect(native).toHaveAttribute("aria-expanded", "false");
    const chosen = screen.getByRole("list", { name: "Languages you speak" });
    expect(within(chosen).getByText("Brazilian Portuguese")).toBeInTheDocument();

    await user.type(native, "germ");
    await user.click(screen.getByRole("option", { name: "German" }));
    expect(within(chosen).getByText("German")).toBeInTheDocument();

    // Chosen languages are not offered again, in either list.
    await user.type(screen.getByRole("combobox", { name: "Languages you are learning" }), "germ");
    expect(screen.queryByRole("option", { name: "German" })).not.toBeInTheDocument();
    expect(screen.getByText("No language matches “germ”.")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Remove German" }));
    expect(within(chosen).queryByText("German")).not.toBeInTheDocument();
    // The focus moves to the remaining chip rather than getting lost.
    expect(screen.getByRole("button", { name: "Remove Brazilian Portuguese" })).toHaveFocus();
  });

  it("gives each language being learnt a level, required before saving", async () => {
    const { user, onSave } = renderForm();

    await user.type(screen.getByRole("combobox", { name: "Native languages" }), "english{Enter}");
    await user.type(
      screen.getByRole("combobox", { name: "Languages you are learning" }),
      "spa{Enter}",
    );
    await user.type(
      screen.getByRole("combobox", { name: "Languages you are learning" }),
      "fren{Enter}",
    );
    await user.click(save());

    const spanish = screen.getByRole("group", { name: "Spanish" });
    const level = within(spanish).getByLabelText("Level");
    expect(level).toHaveAccessibleDescription("Choose your level.");
    expect(level).toHaveFocus();
    expect(onSave).not.toHaveBeenCalled();

    await user.selectOptions(level, "B1");
    expect(level).not.toHaveAccessibleDescription("Choose your level.");
    await user.click(
      within(screen.getByRole("group", { name: "French" })).getByRole("button", {
        name: "Remove French",
      }),
    );
    expect(screen.queryByRole("group", { name: "French" })).not.toBeInTheDocument();
    await user.click(save());

    expect(onSave).toHaveBeenCalledWith(
      expect.objectContaining({ native: ["en"], learning: [{ language: "es", level: "B1" }] }),
    );
  });

  it("adds interests with Enter or a comma, keeps them unique, and removes them", async () => {
    const { user } = renderForm();
    const interests = screen.getByLabelText("Interests");

    await user.type(interests, "Hiking{Enter}");
    await user.type(interests, "board  games,hiking,");
    expect(interests).toHaveValue("");

    const list = screen.getByRole("list", { name: "What you like to talk about" });
    expect(
      within(list)
        .getAllByRole("listitem")
        .map((item) => item.textContent),
    ).toEqual(["hiking×", "board games×"]);

    await user.click(screen.getByRole("button", { name: "Remove hiking" }));
    expect(within(list).queryByText("hiking")).not.toBeInTheDocument();
  });

  it("refuses an interest that is too long, next to the field", async () => {
    const { user } = renderForm();
    const interests = screen.getByLabelText("Interests");

    await user.type(interests, `${"a".repeat(33)}{Enter}`);

    expect(interests).toHaveAccessibleDescription(
      expect.stringContaining("Keep each interest to 32 characters or fewer."),
    );
    expect(interests).toHaveValue("a".repeat(33));
  });

  it("saves the whole profile, including availability windows and an interest still typed", async () => {
    const { user, onSave } = renderForm();

    await user.type(screen.getByRole("combobox", { name: "Native languages" }), "pt-BR{Enter}");
    await user.type(
      screen.getByRole("combobox", { name: "Languages you are learning" }),
      "span{Enter}",
    );
    await user.selectOptions(screen.getByLabelText("Level"), "A2");
    await user.selectOptions(screen.getByLabelText("Time zone"), "America/Sao_Paulo");

    await user.click(screen.getByRole("button", { name: "Add a time window" }));
    const window = screen.getByRole("group", { name: "Time window 1" });
    await user.selectOptions(within(window).getByLabelText("Day"), "Saturday");
    await user.clear(within(window).getByLabelText("From"));
    await user.type(within(window).getByLabelText("From"), "22:00");
    await user.clear(within(window).getByLabelText("To"));
    await user.type(within(window).getByLabelText("To"), "00:00");
    await user.click(screen.getByRole("button", { name: "Add a time window" }));
    await user.click(screen.getByRole("button", { name: "Remove time window 2" }));

    await user.type(screen.getByLabelText("Bio"), "  Oi! Learning Spanish.  ");
    await user.click(screen.getByLabelText("Show me in partner suggestions"));
    await user.type(screen.getByLabelText("Interests"), "Cooking");
    await user.click(save());

    expect(onSave).toHaveBeenCalledWith({
      native: ["pt-BR"],
      learning: [{ language: "es", level: "A2" }],
      interests: ["cooking"],
      timezone: "America/Sao_Paulo",
      availability: [{ day: 5, start: "22:00", end: "24:00" }],
      bio: "Oi! Learning Spanish.",
      discoverable: false,
    });
    await statusSays("Your profile has been saved.");
  });

  it("refuses a window that ends before it starts", async () => {
    const { user, onSave } = renderForm({ initial: profile({ availability: [] }) });

    await user.click(screen.getByRole("button", { name: "Add a time window" }));
    const window = screen.getByRole("group", { name: "Time window 1" });
    await user.clear(within(window).getByLabelText("To"));
    await user.type(within(window).getByLabelText("To"), "07:00");
    await user.click(save());

    expect(within(window).getByLabelText("From")).toHaveAccessibleDescription(
      "End the window after it starts.",
    );
    expect(onSave).not.toHaveBeenCalled();
  });

  it("starts from a saved profile", () => {
    renderForm({ initial: profile() });

    expect(
      within(screen.getByRole("list", { name: "Languages you speak" })).getByText(
        "Brazilian Portuguese",
      ),
    ).toBeInTheDocument();
    expect(
      within(screen.getByRole("group", { name: "Spanish" })).getByLabelText("Level"),
    ).toHaveValue("B1");
    expect(screen.getByLabelText("Time zone")).toHaveValue("Europe/Lisbon");
    expect(screen.getByLabelText("Bio")).toHaveValue("Olá!");
    const window = screen.getByRole("group", { name: "Time window 1" });
    expect(within(window).getByLabelText("Day")).toHaveValue("0");
    expect(within(window).getByLabelText("From")).toHaveValue("18:00");
  });

  it.each([
    [
      "learning[0].level",
      () => within(screen.getByRole("group", { name: "Spanish" })).getByLabelText("Level"),
    ],
    ["timezone", () => screen.getByLabelText("Time zone")],
    ["interests[3]", () => screen.getByLabelText("Interests")],
  ])("shows the server's refusal of %s next to the field", async (field, element) => {
    const onSave = vi.fn(async () => {
      throw refusal(field, "The server says no.");
    });
    const { user } = renderForm({ initial: profile(), onSave });

    await user.click(save());

    await waitFor(() =>
      expect(element()).toHaveAccessibleDescription(expect.stringContaining("The server says no.")),
    );
    expect(element()).toHaveAttribute("aria-invalid", "true");
    expect(element()).toHaveFocus();
    expect(screen.getByRole("alert")).toBeEmptyDOMElement();
  });

  it("clears a server message once the field is edited", async () => {
    const onSave = vi.fn(async () => {
      throw refusal("timezone", '"Mars/Olympus" is not an IANA time zone.');
    });
    const { user } = renderForm({ initial: profile(), onSave });
    await user.click(save());
    const zone = screen.getByLabelText("Time zone");
    await waitFor(() => expect(zone).toHaveAttribute("aria-invalid", "true"));

    await user.selectOptions(zone, "Europe/Madrid");

    expect(zone).not.toHaveAttribute("aria-invalid");
  });

  it("puts refusals that name no field of the form in the alert", async () => {
    const onSave = vi.fn(async () => {
      throw new ApiError({ status: 0, errcode: "XS_NETWORK", message: "Can't reach Xstream." });
    });
    const { user } = renderForm({
      initial: profile(),
      onSave,
      submitLabel: "Save and find partners",
    });

    await user.click(screen.getByRole("button", { name: "Save and find partners" }));

    expect(await screen.findByRole("alert")).toHaveTextContent("Can't reach Xstream.");
    expect(screen.getByRole("status")).toBeEmptyDOMElement();
  });
});
