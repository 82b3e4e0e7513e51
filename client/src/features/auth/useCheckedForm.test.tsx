import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { FormEvent } from "react";
import { describe, expect, it, vi } from "vitest";
import { TextField } from "../../ui/TextField";
import { useCheckedForm } from "./useCheckedForm";

type Field = "name" | "repeat";
type Values = Record<Field, string>;
const ORDER: readonly Field[] = ["name", "repeat"];
const SERVER_FIELDS: readonly "name"[] = ["name"];
const DEPENDANTS = { name: ["repeat"] } as const;

function check(field: Field, values: Values): string | undefined {
  if (field === "name") return values.name === "" ? "Enter a name" : undefined;
  return values.repeat === values.name ? undefined : "Not the same";
}

const validate = (values: Values) => {
  const errors: Partial<Values> = {};
  for (const field of ORDER) {
    const message = check(field, values);
    if (message !== undefined) errors[field] = message;
  }
  return errors;
};

type Props = {
  fieldErrors?: Partial<Record<"name", string>>;
  onFieldChange?: (field: "name") => void;
  onSubmit?: (values: Values) => void;
};

function TestForm({ fieldErrors = {}, onFieldChange = () => {}, onSubmit = () => {} }: Props) {
  const form = useCheckedForm({
    initial: { name: "", repeat: "" },
    order: ORDER,
    serverFields: SERVER_FIELDS,
    check,
    validate,
    dependants: DEPENDANTS,
    normalise: (values) => ({ ...values, name: values.name.trim() }),
    fieldErrors,
    onFieldChange,
  });
  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const values = form.validate();
    if (values) onSubmit(values);
  }
  return (
    <form onSubmit={handleSubmit}>
      <TextField {...form.field("name")} label="Name" />
      <TextField {...form.field("repeat")} label="Repeat" />
      <button type="submit">Save</button>
    </form>
  );
}

const field = (label: string) => screen.getByLabelText(label);

describe("useCheckedForm", () => {
  it("names each input after its field", () => {
    render(<TestForm />);
    expect(field("Name")).toHaveAttribute("name", "name");
    expect(field("Repeat")).toHaveAttribute("name", "repeat");
  });

  it("on submit, shows every message, focuses the first and submits nothing", async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn();
    render(<TestForm onSubmit={onSubmit} />);
    await user.type(field("Repeat"), "x");
    await user.click(screen.getByRole("button", { name: "Save" }));

    expect(field("Name")).toHaveAccessibleDescription("Enter a name");
    expect(field("Repeat")).toHaveAccessibleDescription("Not the same");
    expect(field("Name")).toHaveFocus();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("submits the normalised values once every rule passes", async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn();
    render(<TestForm onSubmit={onSubmit} />);
    await user.type(field("Name"), " ana ");
    await user.type(field("Repeat"), "ana");
    await user.click(screen.getByRole("button", { name: "Save" }));

    expect(onSubmit).toHaveBeenCalledWith({ name: "ana", repeat: "ana" });
  });

  it("judges a field on moving to another field, and re-checks its dependants as typed", async () => {
    const user = userEvent.setup();
    render(<TestForm />);
    await user.type(field("Name"), "ana");
    await user.type(field("Repeat"), "an");
    await user.click(field("Name"));
    expect(field("Repeat")).toHaveAccessibleDescription("Not the same");

    await user.type(field("Name"), "{Backspace}");
    expect(field("Repeat")).not.toHaveAttribute("aria-invalid");
  });

  it("does not judge a field when leaving it for a button", async () => {
    const user = userEvent.setup();
    render(<TestForm />);
    await user.type(field("Name"), "ana");
    await user.type(field("Repeat"), "an");
    await user.tab();
    expect(field("Repeat")).not.toHaveAttribute("aria-invalid");
  });

  it("shows the server's message on the field it blames, focuses it, and reports edits", async () => {
    const user = userEvent.setup();
    const onFieldChange = vi.fn();
    render(<TestForm fieldErrors={{ name: "Taken" }} onFieldChange={onFieldChange} />);

    expect(field("Name")).toHaveAccessibleDescription("Taken");
    expect(field("Name")).toHaveFocus();
    await user.type(field("Name"), "b");
    await user.type(field("Repeat"), "b");
    expect(onFieldChange).toHaveBeenCalledTimes(1);
    expect(onFieldChange).toHaveBeenCalledWith("name");
  });
});
